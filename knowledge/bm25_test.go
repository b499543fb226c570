package knowledge

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

var (
	testIndexOnce sync.Once
	testIndex     *Index
	testPassages  []Passage
	testIndexErr  error
)

// wordnetIndex builds (once per test binary) an index over WordNet and
// the elements dictionary.
func wordnetIndex(t *testing.T) (*Index, []Passage) {
	t.Helper()
	p := demotest.Paths(t)
	testIndexOnce.Do(func() {
		idx, data := p.Dict("elements")
		wn, err := ReadWordNet(context.Background(), p.WordNetDir())
		var el *Corpus
		if err == nil {
			el, err = ReadDict("elements", idx, data)
		}
		cs := []*Corpus{wn, el}
		if err != nil {
			testIndexErr = err
			return
		}
		testPassages = Concat(cs)
		testIndex, testIndexErr = Build(context.Background(), testPassages, Options{})
	})
	if testIndexErr != nil {
		t.Fatal(testIndexErr)
	}
	return testIndex, testPassages
}

func TestSearchWordNet(t *testing.T) {
	ix, _ := wordnetIndex(t)
	tests := []struct {
		query   string
		sources []string
		want    string // an ID, or a word of the wanted title
		within  int
	}{
		{"capital of Chad", nil, "N'Djamena", 3},
		{"What is the capital of Chad?", nil, "wordnet:n08720280", 3},
		{"capital of France", nil, "Paris", 3},
		{"noble gas", []string{"wordnet"}, "argon", 10},
		{"symbol Fe atomic number 26", []string{"elements"}, "elements:iron", 1},
		{"chemical element discovered by Cavendish", []string{"elements"}, "elements:hydrogen", 3},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), Query{Text: tt.query, Sources: tt.sources}, 10)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range hits {
				if len(tt.sources) > 0 && h.Source != tt.sources[0] {
					t.Errorf("hit %d source = %s; want %v only", i, h.Source, tt.sources)
				}
				if i > 0 && h.Score > hits[i-1].Score {
					t.Errorf("hit %d score %g above hit %d's %g", i, h.Score, i-1, hits[i-1].Score)
				}
			}
			for i, h := range hits[:min(tt.within, len(hits))] {
				if h.ID == tt.want || strings.Contains(h.Title, tt.want) {
					return
				}
				t.Logf("rank %d: %s %q %.3f", i+1, h.ID, h.Title, h.Score)
			}
			t.Errorf("Search(%q): %s not in the top %d", tt.query, tt.want, tt.within)
		})
	}
}

func TestSearchEdgeCases(t *testing.T) {
	ix, _ := wordnetIndex(t)
	ctx := context.Background()
	for _, q := range []Query{{Text: ""}, {Text: "the of and"}, {Text: "zzqqxxnotaword"}, {Text: "chad", Sources: []string{"nosuch"}}} {
		hits, err := ix.Search(ctx, q, 10)
		if err != nil || len(hits) != 0 {
			t.Errorf("Search(%+v) = %d hits, %v; want none", q, len(hits), err)
		}
	}
	if hits, _ := ix.Search(ctx, Query{Text: "chad"}, 0); len(hits) != 0 {
		t.Errorf("k=0 gave %d hits", len(hits))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ix.Search(cancelled, Query{Text: "chad"}, 5); err == nil {
		t.Error("Search with a cancelled context succeeded")
	}
}

// TestTieOrderAndDuplicateID needs no demo data: ties are broken by
// passage order, and Build rejects a duplicate ID.
func TestTieOrderAndDuplicateID(t *testing.T) {
	ctx := context.Background()
	// Ties are broken by passage order: identical passages rank in order.
	same := []Passage{
		{ID: "b", Source: "s", Text: "alpha beta"},
		{ID: "a", Source: "s", Text: "alpha beta"},
		{ID: "c", Source: "s", Text: "alpha gamma"},
	}
	small, err := Build(ctx, same, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hits, _ := small.Search(ctx, Query{Text: "beta alpha"}, 3)
	if got := ids(hits); got != "b a c" {
		t.Errorf("tie order = %s; want b a c", got)
	}
	if _, err := Build(ctx, append(same, Passage{ID: "a", Source: "s", Text: "x"}), Options{}); err == nil {
		t.Error("Build accepted a duplicate ID")
	}
}

func ids(hits []Hit) string {
	var s []string
	for _, h := range hits {
		s = append(s, h.ID)
	}
	return strings.Join(s, " ")
}

func TestIndexSaveOpen(t *testing.T) {
	ix, ps := wordnetIndex(t)
	path := filepath.Join(t.TempDir(), "idx", "bm25.idx")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	re, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if re.Len() != len(ps) || re.Terms() != ix.Terms() {
		t.Fatalf("reopened: %d passages %d terms; want %d and %d", re.Len(), re.Terms(), len(ps), ix.Terms())
	}
	ctx := context.Background()
	for _, q := range []string{"capital of Chad", "noble gas", "programming language"} {
		a, _ := ix.Search(ctx, Query{Text: q}, 10)
		b, _ := re.Search(ctx, Query{Text: q}, 10)
		if ids(a) != ids(b) {
			t.Errorf("%q: reopened index ranks %s; built index %s", q, ids(b), ids(a))
		}
	}
	for _, i := range []int{0, 1, len(ps) / 2, len(ps) - 1} {
		got, ok, err := re.Get(ps[i].ID)
		if err != nil || !ok {
			t.Fatalf("Get(%q) = %v, %v", ps[i].ID, ok, err)
		}
		if got.Text != ps[i].Text || got.Title != ps[i].Title || got.Source != ps[i].Source ||
			got.License != ps[i].License || got.URL != ps[i].URL || len(got.Fields) != len(ps[i].Fields) {
			t.Errorf("Get(%q) = %+v; want %+v", ps[i].ID, got, ps[i])
		}
	}
	if _, ok, _ := re.Get("wordnet:nope"); ok {
		t.Error("Get of an unknown ID succeeded")
	}

	// Damage: a flipped byte and a truncated file are errors, not panics.
	data, _ := os.ReadFile(path)
	for name, bad := range map[string][]byte{
		"flipped":   flip(data, len(data)/2),
		"truncated": data[:len(data)/3],
		"empty":     nil,
	} {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, bad, 0o644)
		if _, err := Open(p, Options{}); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("Open(%s) err = %v; want an error naming the file", name, err)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}

// TestBuildDeterministic checks that the file does not depend on the
// number of workers.
func TestBuildDeterministic(t *testing.T) {
	_, ps := wordnetIndex(t)
	ps = ps[:20000]
	ctx := context.Background()
	a, err := Build(ctx, ps, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(ctx, ps, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.data, b.data) {
		t.Error("index built with 1 worker differs from one built with 3")
	}
}
