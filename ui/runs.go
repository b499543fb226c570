package ui

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/cemlab/cem/rundir"
	"github.com/cemlab/cem/store"
)

// Catalog lists the run folders the dashboard shows.
type Catalog interface {
	// Dirs returns the run folders, as absolute paths.
	Dirs(ctx context.Context) ([]string, error)
}

// FolderCatalog lists the run folders directly below Root (and Root
// itself when it is a run folder): every folder holding run.json or
// metrics.json.
type FolderCatalog struct{ Root string }

// Dirs implements Catalog.
func (c FolderCatalog) Dirs(context.Context) ([]string, error) {
	root, err := filepath.Abs(c.Root)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("runs folder %s: %w", c.Root, err)
	}
	var dirs []string
	if isRun(root) {
		dirs = append(dirs, root)
	}
	for _, e := range entries {
		if d := filepath.Join(root, e.Name()); e.IsDir() && isRun(d) {
			dirs = append(dirs, d)
		}
	}
	return dirs, nil
}

func isRun(dir string) bool {
	for _, f := range []string{rundir.RunInfoFile, rundir.MetricsFile} {
		if _, err := os.Stat(rundir.File(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// IndexCatalog lists the runs the SQLite run index knows.
type IndexCatalog struct{ DB *store.DB }

// Dirs implements Catalog.
func (c IndexCatalog) Dirs(ctx context.Context) ([]string, error) {
	runs, err := c.DB.Runs(ctx)
	if err != nil {
		return nil, err
	}
	dirs := make([]string, len(runs))
	for i, r := range runs {
		dirs[i] = r.Run.Run
	}
	return dirs, nil
}

// runID is the stable URL key of a run folder: its base name and a
// short hash of its absolute path (two runs may share a base name).
func runID(dir string) string {
	h := sha256.Sum256([]byte(dir))
	return filepath.Base(dir) + "-" + hex.EncodeToString(h[:4])
}

// runRow is one line of the runs list.
type runRow struct {
	ID, Dir, Name, Baseline string
	Seed                    int64
	Rounds                  int // rounds measured so far, round 0 excluded
	Planned                 int // rounds the run was started with
	Best                    int // the last accepted round, 0 when none
	Gain                    float64
	Updated                 time.Time
	Running                 bool
	Pending                 int // samples awaiting review
	Err                     string
}

// readRow summarises the run folder dir; a folder without metrics yet
// (a run just started) is a row with no rounds, not an error.
func readRow(dir string, rv Reviewer) runRow {
	row := runRow{ID: runID(dir), Dir: dir, Name: filepath.Base(dir)}
	var info rundir.RunInfo
	if err := rundir.ReadJSON(rundir.File(dir, rundir.RunInfoFile), &info); err == nil {
		row.Name, row.Seed, row.Planned, row.Baseline = info.Name, info.Seed, info.Rounds, info.Baseline
	}
	if _, err := os.Stat(rundir.File(dir, rundir.LockFile)); err == nil {
		row.Running = true
	}
	if st, err := os.Stat(rundir.File(dir, rundir.MetricsFile)); err == nil {
		row.Updated = st.ModTime()
	}
	s, err := rundir.ReadSummary(dir)
	switch {
	case err != nil && errors.Is(err, fs.ErrNotExist):
	case err != nil:
		row.Err = err.Error()
	default:
		row.Name, row.Seed, row.Baseline = s.Name, s.Seed, s.Baseline
		row.Rounds = max(len(s.Rounds)-1, 0)
		row.Best, row.Gain = headline(s)
	}
	if rv != nil {
		if q, err := rv.Queue(dir); err == nil {
			for _, x := range q {
				if x.Verdict == "" {
					row.Pending++
				}
			}
		}
	}
	return row
}

// headline returns the last accepted round of s and its exam-role gain
// (the first exam suite's), in points.
func headline(s *rundir.Summary) (int, float64) {
	best, gain := 0, 0.0
	for _, m := range s.Rounds {
		if m.Round == 0 || !m.Gate.Accepted {
			continue
		}
		best = m.Round
		for _, sm := range m.Suites {
			if sm.Role == "exam" {
				gain = sm.Gain
				break
			}
		}
	}
	return best, gain
}

// sortRows orders rows by key ("name", "seed", "gain", "rounds",
// "updated"), descending for numbers and time.
func sortRows(rows []runRow, key string) {
	slices.SortStableFunc(rows, func(a, b runRow) int {
		switch key {
		case "seed":
			return cmp.Compare(a.Seed, b.Seed)
		case "gain":
			return cmp.Compare(b.Gain, a.Gain)
		case "rounds":
			return cmp.Compare(b.Rounds, a.Rounds)
		case "updated":
			return b.Updated.Compare(a.Updated)
		default:
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Dir, b.Dir))
		}
	})
}
