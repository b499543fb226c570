package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata"
)

// TestDataStatusSaysWhereTheFactbookIs: a Factbook in CEM_FACTBOOK is
// named as such with its revision status; none anywhere is "absent"
// with what the demo loses.
func TestDataStatusSaysWhereTheFactbookIs(t *testing.T) {
	fb := t.TempDir()
	if err := os.MkdirAll(filepath.Join(fb, "africa"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fb, "africa", "cd.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(demodata.EnvFactbook, fb)
	var out bytes.Buffer
	if err := runDataStatus(dataOptions{Dir: t.TempDir()}, &out); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "factbook:  "+fb+", from CEM_FACTBOOK") || !strings.Contains(s, "not the pinned revision") {
		t.Errorf("status =\n%s\nwant the Factbook named as CEM_FACTBOOK's, not the pinned revision", s)
	}

	t.Setenv(demodata.EnvFactbook, "")
	repo := t.TempDir() // a checkout with no ../shared beside it
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	t.Setenv(demodata.EnvData, filepath.Join(t.TempDir(), "root"))
	out.Reset()
	if err := runDataStatus(dataOptions{}, &out); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "factbook:  absent") || !strings.Contains(s, "second source") {
		t.Errorf("status =\n%s\nwant the Factbook absent and what the demo loses", s)
	}
}
