package knowledge

import (
	"context"
	"path/filepath"
	"testing"
)

func TestFingerprint(t *testing.T) {
	ctx := context.Background()
	a := []Passage{{ID: "a", Source: "s", Text: "Paris is the capital of France."}, {ID: "b", Source: "s", Text: "Lyon is a city."}}
	b := append(append([]Passage(nil), a...), Passage{ID: "c", Source: "t", Text: "N'Djamena is the capital of Chad."})
	build := func(ps []Passage) *Index {
		ix, err := Build(ctx, ps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	ixA, ixA2, ixB := build(a), build(a), build(b)
	if ixA.Fingerprint() == "" || ixA.Fingerprint() != ixA2.Fingerprint() {
		t.Errorf("same passages: fingerprints %q and %q; want equal and set", ixA.Fingerprint(), ixA2.Fingerprint())
	}
	if ixA.Fingerprint() == ixB.Fingerprint() {
		t.Errorf("other passages: same fingerprint %q", ixA.Fingerprint())
	}
	path := filepath.Join(t.TempDir(), "a.idx")
	if err := ixA.Save(path); err != nil {
		t.Fatal(err)
	}
	re, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if re.Fingerprint() != ixA.Fingerprint() {
		t.Errorf("saved and reopened: fingerprint %q; built %q", re.Fingerprint(), ixA.Fingerprint())
	}
	fa := &Fused{Members: []Member{{Source: ixA, K: 2, Weight: 1}}}
	fb := &Fused{Members: []Member{{Source: ixB, K: 2, Weight: 1}}}
	fk := &Fused{Members: []Member{{Source: ixA, K: 3, Weight: 1}}}
	if fa.Fingerprint() == fb.Fingerprint() || fa.Fingerprint() == fk.Fingerprint() {
		t.Errorf("fused fingerprints do not follow their members' index or k")
	}
}
