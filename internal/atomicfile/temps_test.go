package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestIsTemp(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{".demo-fc287ead.idx.cemtmp-490881233", true},
		{".a.cemtmp-0", true},
		{".metrics.json.cemtmp-12", true},
		{"metrics.json.cemtmp-12", false}, // not hidden
		{".cemtmp-12", false},             // no target name
		{".a.cemtmp-", false},             // no digits
		{".a.cemtmp-12x", false},          // not only digits
		{".a.tmp12", false},               // another tool's pattern
		{".bashrc", false},
		{"model.safetensors", false},
	} {
		if got := IsTemp(tc.name); got != tc.want {
			t.Errorf("IsTemp(%q) = %v; want %v", tc.name, got, tc.want)
		}
	}
}

// TestTempNameMatchesIsTemp checks that the name of a write's temporary
// file, seen while the write runs, is one IsTemp recognises.
func TestTempNameMatchesIsTemp(t *testing.T) {
	dir := t.TempDir()
	var seen []string
	err := WriteFile(filepath.Join(dir, "out.json"), func(w io.Writer) error {
		entries, err := os.ReadDir(dir)
		for _, e := range entries {
			seen = append(seen, e.Name())
		}
		return err
	}, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !IsTemp(seen[0]) {
		t.Fatalf("files during the write = %q; want one temporary file IsTemp accepts", seen)
	}
}

// TestRemoveTemps leaves a write's temporary file behind, as a killed
// process does, and checks that RemoveTemps removes it and nothing else.
func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	// A write interrupted before its rename: keep its temporary file.
	f, err := createTemp(filepath.Join(dir, "index.idx"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	leftover := f.Name()
	f.Close()
	keep := []string{"index.idx", ".a.tmp12", ".hidden", "notes.cemtmp-1"}
	for _, name := range keep {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	nested := filepath.Join(sub, ".x.cemtmp-5")
	if err := os.WriteFile(nested, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	removed, err := RemoveTemps(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{leftover}) {
		t.Errorf("removed %q; want only %q", removed, leftover)
	}
	for _, name := range keep {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v; want it kept", name, err)
		}
	}
	if _, err := os.Stat(nested); err != nil {
		t.Errorf("%s in a subfolder: %v; want it kept (RemoveTemps is not recursive)", nested, err)
	}
	if removed, err := RemoveTemps(filepath.Join(dir, "missing")); err != nil || removed != nil {
		t.Errorf("RemoveTemps(missing) = %q, %v; want nothing, nil", removed, err)
	}
}
