package loop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/internal/runlock"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// failingTrainer fails every Train call.
type failingTrainer struct{}

func (failingTrainer) Train(ctx context.Context, from model.Ref, set model.TrainSet) (model.Ref, error) {
	return model.Ref{}, errors.New("trainer unavailable")
}

// finishedRun runs the fixture to the end in a fresh folder and returns
// the folder and its metrics.json.
func finishedRun(t *testing.T, rounds int) (dir string, want []byte, opts Options) {
	t.Helper()
	cfg, suites, base := fixture(t, rounds)
	dir = t.TempDir()
	opts = Options{Dir: dir, Config: cfg, Suites: suites, Base: refAt(base), Workers: fakeWorkers(fakeTrainer{})}
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want, _, err := readSummary(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, want, opts
}

// roundFiles reads every file of the run's round folders except manifests
// (which hold wall times), keyed by path relative to dir.
func roundFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".manifest.json") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !strings.HasPrefix(rel, "round-") {
			return nil
		}
		data, err := os.ReadFile(p)
		out[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDamagedCheckpointIsRetrained damages the round-1 checkpoint of a
// finished run three ways and checks that the resume trains round 1 again
// and ends with the same files as before, byte for byte.
func TestDamagedCheckpointIsRetrained(t *testing.T) {
	damages := map[string]func(path string) error{
		"truncated": func(p string) error { return os.Truncate(p, 5) },
		"deleted":   func(p string) error { return os.RemoveAll(filepath.Dir(p)) },
		"altered-same-size": func(p string) error {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			// "exam question 1" becomes "exam question 2": still valid,
			// same size, but the model now knows another fact.
			i := bytes.Index(data, []byte("exam question 1"))
			if i < 0 {
				return fmt.Errorf("%s lacks exam question 1:\n%s", p, data)
			}
			data[i+len("exam question ")] = '2'
			return os.WriteFile(p, data, 0o644)
		},
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			dir, want, opts := finishedRun(t, 2)
			before := roundFiles(t, dir)
			if err := damage(filepath.Join(dir, "round-1", "train", "model", "facts.json")); err != nil {
				t.Fatal(err)
			}
			calls := 0
			var notes []string
			opts.Workers = fakeWorkers(fakeTrainer{calls: &calls})
			opts.Observer = ObserverFunc(func(e Event) {
				if e.Kind == Note && e.Stage == rundir.StageTrain {
					notes = append(notes, e.Msg)
				}
			})
			if _, err := Run(context.Background(), opts); err != nil {
				t.Fatalf("resume after the checkpoint was %s: %v", name, err)
			}
			if calls != 1 {
				t.Errorf("resume trained %d times; want 1 (round 1 again)", calls)
			}
			if len(notes) != 1 || !strings.Contains(notes[0], "round 1 train: redoing") {
				t.Errorf("notes = %q; want one saying round 1 train is redone", notes)
			}
			got, _, err := readSummary(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("metrics.json after the resume differs:\n%s\nwant\n%s", got, want)
			}
			after := roundFiles(t, dir)
			for p, b := range before {
				if !bytes.Equal(after[p], b) {
					t.Errorf("%s differs after the resume:\n%s\nwant\n%s", p, after[p], b)
				}
			}
			if len(after) != len(before) {
				t.Errorf("%d round files after the resume; want %d", len(after), len(before))
			}
		})
	}
}

// TestFailedResumeKeepsMetrics damages a finished run's checkpoint and
// resumes it with a trainer that fails: the resume fails, and the run's
// metrics.json must still be the finished run's, not round 0 alone.
func TestFailedResumeKeepsMetrics(t *testing.T) {
	dir, want, opts := finishedRun(t, 2)
	if err := os.Truncate(filepath.Join(dir, "round-1", "train", "model", "facts.json"), 0); err != nil {
		t.Fatal(err)
	}
	timings, err := os.ReadFile(filepath.Join(dir, "timings.json"))
	if err != nil {
		t.Fatal(err)
	}
	opts.Workers = fakeWorkers(fakeTrainer{})
	opts.Workers.Trainer = failingTrainer{}
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "trainer unavailable") {
		t.Fatalf("resume with a failing trainer = %v; want its error", err)
	}
	got, _, err := readSummary(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("a failed resume changed metrics.json:\n%s\nwant\n%s", got, want)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "timings.json")); !bytes.Equal(now, timings) {
		t.Errorf("a failed resume changed timings.json")
	}
	// Fewer rounds asked for, and the run succeeds: its summary is what
	// was asked for.
	opts.Workers = fakeWorkers(fakeTrainer{})
	opts.Config.Rounds = 1
	sum, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, s, _ := readSummary(dir); len(s.Rounds) != 2 || len(sum.Rounds) != 2 {
		t.Errorf("a successful 1-round run left %d rounds in metrics.json; want 2 (round 0 and 1)", len(s.Rounds))
	}
}

// TestRunFolderLocked holds the run folder's lock and checks that Run
// refuses to start, naming the holder, and starts once it is released.
func TestRunFolderLocked(t *testing.T) {
	cfg, suites, base := fixture(t, 1)
	dir := t.TempDir()
	lk, err := runlock.Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Dir: dir, Config: cfg, Suites: suites, Base: refAt(base), Workers: fakeWorkers(fakeTrainer{})}
	_, err = Run(context.Background(), opts)
	var held *runlock.HeldError
	if !errors.As(err, &held) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("Run on a locked folder = %v; want a HeldError naming pid %d", err, os.Getpid())
	}
	if _, err := os.Stat(filepath.Join(dir, "run.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Run refused by the lock wrote run.json (%v)", err)
	}
	lk.Release()
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatalf("Run after the lock was released: %v", err)
	}
}

// TestOtherConfigRefused runs seed 1 into a folder, then seed 2 into the
// same folder: refused without Force; with Force the folder ends up
// holding seed 2's run throughout.
func TestOtherConfigRefused(t *testing.T) {
	dir, want, opts := finishedRun(t, 1)
	other := *opts.Config
	other.Seed = 2
	opts2 := opts
	opts2.Config = &other
	_, err := Run(context.Background(), opts2)
	if !errors.Is(err, ErrOtherRun) || !strings.Contains(err.Error(), "seed 1, this config 2") {
		t.Fatalf("seed 2 into seed 1's folder = %v; want ErrOtherRun naming the seeds", err)
	}
	if got, _, _ := readSummary(dir); !bytes.Equal(got, want) {
		t.Errorf("the refused run changed metrics.json")
	}
	var info rundir.RunInfo
	if err := rundir.ReadJSON(filepath.Join(dir, "run.json"), &info); err != nil || info.Seed != 1 {
		t.Errorf("run.json = %+v, %v; want seed 1 kept", info, err)
	}
	// The same config resumes; a changed trainer setting is no other run.
	same := *opts.Config
	same.Trainer.Epochs++
	opts3 := opts
	opts3.Config = &same
	if _, err := Run(context.Background(), opts3); err != nil {
		t.Errorf("same run with another trainer setting = %v; want it resumed", err)
	}
	opts2.Force = true
	if _, err := Run(context.Background(), opts2); err != nil {
		t.Fatalf("forced seed 2 = %v", err)
	}
	_, s, err := readSummary(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := rundir.ReadJSON(filepath.Join(dir, "run.json"), &info); err != nil || info.Seed != 2 || s.Seed != 2 {
		t.Errorf("after --force: run.json seed %d, metrics.json seed %d (%v); want 2 and 2", info.Seed, s.Seed, err)
	}
}

// TestLeftoverTempsRemoved plants the temporary files of killed writes in
// a finished run and checks that the next Run removes them, and only them.
func TestLeftoverTempsRemoved(t *testing.T) {
	dir, _, opts := finishedRun(t, 1)
	temps := []string{".metrics.json.cemtmp-12345", "round-1/train/model/.facts.json.cemtmp-9", "round-0/.exam.jsonl.cemtmp-77"}
	kept := []string{"round-0/.notes.tmp5", "notes.cemtmp-3"}
	for _, f := range append(append([]string(nil), temps...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, f := range temps {
		if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v; want removed", f, err)
		}
	}
	for _, f := range kept {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v; want kept", f, err)
		}
	}
}
