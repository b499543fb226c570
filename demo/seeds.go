package demo

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/cemlab/cem/demodata"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/rundir"
)

// SeedDir is the workspace of one seed of a multi-seed demo: dir/seed-N,
// dir defaulting to the demo's default workspace. Each seed has its own
// workspace because the base model and the runs depend on the seed.
func SeedDir(dir string, seed int64) (string, error) {
	if dir == "" {
		root, err := demodata.Root()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(filepath.Dir(root), "demo")
	}
	return filepath.Join(dir, fmt.Sprintf("seed-%d", seed)), nil
}

// SeedRow is one seed's headline numbers: the final accepted gains over
// round 0 per suite and per probe part of the heldout suite ("probes
// mined", "reverse mined", ...; see rundir.PartMetrics) in points,
// McNemar's p of each against round 0, and the forgetting on the general
// suite's test half.
type SeedRow struct {
	Seed           int64
	Gains          map[string]float64
	P              map[string]float64
	ForgettingTest float64
}

// SeedColumns are the columns `cem demo --seeds` prints: the exam, the
// probes of mined facts together, those whose distractors were mined too,
// and per kind, interference, ood and general.
func SeedColumns() []string {
	return []string{"exam", "probes " + rundir.PartMined, "probes " + rundir.PartMined + ", " + rundir.PartMatched, exam.ProbeParaphrase + " " + rundir.PartMined,
		exam.ProbeReverse + " " + rundir.PartMined, exam.ProbeCollateral + " " + rundir.PartMined, interferenceSuite, "ood", "general"}
}

// SeedRowOf reads a demo run's summary into its SeedRow.
func SeedRowOf(seed int64, s *rundir.Summary) SeedRow {
	row := SeedRow{Seed: seed, Gains: map[string]float64{}, P: map[string]float64{}}
	for name := range s.Roles {
		if _, g, ok := report.Final(s, name); ok {
			row.Gains[name] = g
		}
	}
	for _, m := range s.Rounds {
		if m.Round == 0 || !m.Gate.Accepted {
			continue
		}
		row.ForgettingTest = m.ForgettingTest
		for _, sm := range m.Suites {
			if sm.McNemarBase != nil {
				row.P[sm.Name] = sm.McNemarBase.P
			}
		}
	}
	for key, p := range finalParts(s) {
		suite, name, _ := strings.Cut(key, "\x00")
		if suite != "heldout" || p.Mined != rundir.PartMined {
			continue
		}
		row.Gains[name] = p.Gain
		if p.McNemarBase != nil {
			row.P[name] = p.McNemarBase.P
		}
	}
	return row
}

// WriteSeeds prints one line per seed (gain and p vs round 0 per suite,
// forgetting on general-test) and then the mean and range [min, max] of
// each column over the seeds. suites fixes the column order.
func WriteSeeds(w io.Writer, rows []SeedRow, suites []string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"seed"}
	for _, s := range suites {
		head = append(head, s+" gain (p vs r0)")
	}
	head = append(head, "forget general-test")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		line := []string{fmt.Sprint(r.Seed)}
		for _, s := range suites {
			p := "-"
			if v, ok := r.P[s]; ok {
				p = fmt.Sprintf("%.2g", v)
			}
			line = append(line, fmt.Sprintf("%+.1f (%s)", r.Gains[s], p))
		}
		line = append(line, fmt.Sprintf("%.1f", r.ForgettingTest))
		fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	}
	stat := func(get func(SeedRow) float64) string {
		if len(rows) == 0 {
			return "-"
		}
		lo, hi, sum := get(rows[0]), get(rows[0]), 0.0
		for _, r := range rows {
			v := get(r)
			lo, hi, sum = min(lo, v), max(hi, v), sum+v
		}
		return fmt.Sprintf("%+.1f [%+.1f, %+.1f]", sum/float64(len(rows)), lo, hi)
	}
	line := []string{"mean [range]"}
	for _, s := range suites {
		line = append(line, stat(func(r SeedRow) float64 { return r.Gains[s] }))
	}
	line = append(line, stat(func(r SeedRow) float64 { return r.ForgettingTest }))
	fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	return tw.Flush()
}
