package jobstate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	a := Name("/runs/my run/round-3/train")
	b := Name("/other/my run/round-3/train")
	if !strings.HasPrefix(a, "cem-my_run-r3-") || a == b {
		t.Errorf("Name = %q and %q; want cem-my_run-r3-<hash>, different for different folders", a, b)
	}
	if strings.ContainsAny(a, " /") {
		t.Errorf("Name %q holds a space or slash", a)
	}
	if long := Name("/x/" + strings.Repeat("r", 100) + "/round-12345/train"); len(long) > 58 {
		t.Errorf("Name of a long run is %d characters (%q); want at most 58", len(long), long)
	}
}

func TestRound(t *testing.T) {
	for dir, want := range map[string]int{"/a/round-7/train": 7, "/a/round-12": 12, "/a/train": 0, "/a/round-x/train": 0} {
		if got := Round(dir); got != want {
			t.Errorf("Round(%q) = %d, want %d", dir, got, want)
		}
	}
}

type rec struct {
	ID   string `json:"id"`
	Note string `json:"note"`
}

func TestReadWriteRetire(t *testing.T) {
	path := filepath.Join(t.TempDir(), "job.json")
	valid := func(r *rec) bool { return r.ID != "" }
	if r, err := Read(path, valid); r != nil || err != nil {
		t.Fatalf("Read of a missing record = %v, %v; want nil, nil", r, err)
	}
	if err := Write(path, rec{ID: "j1", Note: "a"}); err != nil {
		t.Fatal(err)
	}
	r, err := Read(path, valid)
	if err != nil || r == nil || r.ID != "j1" || r.Note != "a" {
		t.Fatalf("Read = %+v, %v; want j1/a", r, err)
	}
	moved, err := Retire(path, "j/1")
	if err != nil {
		t.Fatal(err)
	}
	if moved != path+".j_1.failed" {
		t.Errorf("Retire moved to %s", moved)
	}
	if r, err := Read(path, valid); r != nil || err != nil {
		t.Errorf("Read after Retire = %v, %v; want nil, nil", r, err)
	}
	for _, body := range []string{"{", `{"note":"no id"}`} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(path, valid); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Read of %q: err = %v; want one naming %s", body, err, path)
		}
	}
}
