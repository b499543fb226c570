package loop

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunRelativeDirResumesAndMoves runs into a relative run folder (the
// trained model must not be recorded under a doubled path), then moves
// the folder and runs again there: every stage is reused, the metrics are
// the same bytes, and config.yaml and run.json are left untouched.
func TestRunRelativeDirResumesAndMoves(t *testing.T) {
	cfg, suites, base := fixture(t, 2)
	t.Chdir(t.TempDir())
	sum, err := Run(context.Background(), Options{Dir: filepath.Join("runs", "x"), Config: cfg, Suites: suites,
		Base: refAt(base), Workers: fakeWorkers(fakeTrainer{})})
	if err != nil {
		t.Fatalf("run into a relative folder: %v", err)
	}
	if got := sum.Rounds[1].Model.Path; got != "round-1/train/model" {
		t.Errorf("round 1 model path = %q; want round-1/train/model (relative to the run folder)", got)
	}
	want, _, err := readSummary(filepath.Join("runs", "x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join("moved", "x"), os.DirFS(filepath.Join("runs", "x"))); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll("runs"); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join("moved", "x")
	before := map[string]os.FileInfo{}
	for _, f := range []string{"config.yaml", "run.json"} {
		if before[f], err = os.Stat(filepath.Join(moved, f)); err != nil {
			t.Fatal(err)
		}
	}
	calls := 0
	if _, err := Run(context.Background(), Options{Dir: moved, Config: cfg, Suites: suites,
		Base: refAt(base), Workers: fakeWorkers(fakeTrainer{calls: &calls})}); err != nil {
		t.Fatalf("run again in the moved folder: %v", err)
	}
	if calls != 0 {
		t.Errorf("moved run trained %d times; want every stage reused", calls)
	}
	got, _, err := readSummary(moved)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("moved run's metrics.json differs (%v):\n%s\nwant\n%s", err, got, want)
	}
	for f, fi := range before {
		after, err := os.Stat(filepath.Join(moved, f))
		if err != nil || !os.SameFile(fi, after) || !after.ModTime().Equal(fi.ModTime()) {
			t.Errorf("%s was rewritten with the same content (%v); want it left alone", f, err)
		}
	}
}

// TestRunMissingBaseWritesNothing checks that a base model that cannot be
// hashed fails before the run folder is created.
func TestRunMissingBaseWritesNothing(t *testing.T) {
	cfg, suites, _ := fixture(t, 1)
	dir := filepath.Join(t.TempDir(), "run")
	_, err := Run(context.Background(), Options{Dir: dir, Config: cfg, Suites: suites,
		Base: refAt(filepath.Join(t.TempDir(), "absent")), Workers: fakeWorkers(fakeTrainer{})})
	if err == nil || !strings.Contains(err.Error(), "base model") {
		t.Fatalf("run with a missing base = %v; want a base model error", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("run folder after a failed start: %v; want none", err)
	}
}
