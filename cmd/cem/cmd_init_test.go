package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/config"
)

func TestInitWritesLoadableExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cem.yaml")
	if err := runInit(initOptions{}, path, io.Discard); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatalf("Load(example) = %v", err)
	}
	if want := filepath.Join(filepath.Dir(path), "suites", "exam.jsonl"); c.Suites[0].Path != want {
		t.Errorf("suite path = %q; want %q", c.Suites[0].Path, want)
	}
	err = runInit(initOptions{}, path, io.Discard)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second init = %v; want a usage error saying the file exists", err)
	}
	if err := runInit(initOptions{Force: true}, path, io.Discard); err != nil {
		t.Errorf("init --force = %v; want nil", err)
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	if err := writeFileForTest(path, "model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\nroundz: 2\n"); err != nil {
		t.Fatal(err)
	}
	err := runRun(t.Context(), runOptions{Out: filepath.Join(dir, "run")}, path, io.Discard)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), path+":4: roundz: unknown key") {
		t.Errorf("run bad.yaml = %v; want a usage error naming %s:4 and roundz", err, path)
	}
}

func writeFileForTest(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }

func TestInitWritesPrompts(t *testing.T) {
	dir := t.TempDir()
	prompts := filepath.Join(dir, "prompts")
	if err := runInit(initOptions{Prompts: prompts}, filepath.Join(dir, "cem.yaml"), io.Discard); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"extract.tmpl": "{{.Question}}", "write.tmpl": "{{.Passage}}"} {
		data, err := os.ReadFile(filepath.Join(prompts, name))
		if err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s = %q, %v; want the built-in template with %s", name, data, err, want)
		}
	}
}
