package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzLoad checks that Load never panics on any file, that every error
// names the file and a key (a *FieldError) or at least the file, and that
// what it accepts is valid and reads back the same when written out as
// YAML again (compared as YAML: an empty list may come back nil).
func FuzzLoad(f *testing.F) {
	f.Add(Example())
	f.Add([]byte("model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\n"))
	f.Add([]byte("model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\nroundz: 3\n"))
	f.Add([]byte("model:\n  path: m\n  colour: red\n"))
	f.Add([]byte("rounds: [1, 2]\n"))
	f.Add([]byte("&a [*a]"))
	// One file per worker process: a worker runs its inputs one at a time.
	path := filepath.Join(f.TempDir(), "cem.yaml")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			var fe *FieldError
			switch {
			case errors.As(err, &fe) && (fe.File != path || fe.Key == ""):
				t.Fatalf("field error %+v does not name the file and a key", fe)
			case !strings.HasPrefix(err.Error(), path):
				t.Fatalf("error %q does not start with the file name", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Load accepted a config that Validate rejects: %v", err)
		}
		out, err := yaml.Marshal(c)
		if err != nil {
			t.Fatalf("accepted config does not marshal: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("accepted config, written out, does not parse: %v\n%s", err, out)
		}
		back.Resolve(filepath.Dir(path))
		again, err := yaml.Marshal(back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("config changed when written out and read back:\n%s\nthen\n%s", out, again)
		}
	})
}
