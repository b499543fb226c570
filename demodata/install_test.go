package demodata_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/internal/logtest"
)

// This file is an external test so that it can find the data through
// demotest, which imports demodata.

func TestFetchFromInstall(t *testing.T) {
	src := demotest.Paths(t).Root
	dir := filepath.Join(t.TempDir(), "root")
	var lines []string
	opts := demodata.Options{Dir: dir, From: src, Log: logtest.Messages(&lines)}
	m, err := demodata.Fetch(context.Background(), opts)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if m.Method != "copy" || len(m.Packages) != len(demodata.Packages()) {
		t.Fatalf("manifest = %s with %d packages; want copy with %d", m.Method, len(m.Packages), len(demodata.Packages()))
	}
	if err := demodata.NewPaths(dir).Check(); err != nil {
		t.Fatalf("Check after fetch: %v", err)
	}
	for _, p := range m.Packages {
		for _, f := range p.Files {
			if len(f.SHA256) != 64 || f.Size <= 0 {
				t.Errorf("%s: sha256 %q size %d; want a hash and a size", f.Path, f.SHA256, f.Size)
			}
		}
	}

	// A second fetch finds the manifest matching and does nothing.
	lines = nil
	if _, err := demodata.Fetch(context.Background(), opts); err != nil {
		t.Fatalf("second Fetch: %v", err)
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "up to date") {
		t.Errorf("second fetch progress = %q; want one 'up to date' line", lines)
	}

	// A changed file is noticed and fetched again.
	victim := filepath.Join(dir, "usr/share/dictd/elements.index")
	if err := os.Remove(victim); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(victim, []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lines = nil
	if _, err := demodata.Fetch(context.Background(), opts); err != nil {
		t.Fatalf("third Fetch: %v", err)
	}
	if len(lines) == 0 || !strings.Contains(lines[0], "does not match") {
		t.Errorf("fetch after change: progress = %q; want a 'does not match' line first", lines)
	}
	if err := mustManifest(t, dir).Verify(dir, demodata.Packages()); err != nil {
		t.Errorf("Verify after refetch: %v", err)
	}
}

func mustManifest(t *testing.T, root string) *demodata.Manifest {
	t.Helper()
	m, err := demodata.ReadManifest(demodata.NewPaths(root).Manifest())
	if err != nil {
		t.Fatal(err)
	}
	return m
}
