package wordnet

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

var (
	dbOnce sync.Once
	dbVal  *DB
	dbErr  error
)

// openReal opens the demo WordNet once per test binary (see
// demotest.Paths).
func openReal(t testing.TB) *DB {
	t.Helper()
	dir := demotest.Paths(t).WordNetDir()
	dbOnce.Do(func() { dbVal, dbErr = Open(dir) })
	if dbErr != nil {
		t.Fatalf("Open(%s): %v", dir, dbErr)
	}
	return dbVal
}

func TestOpenCounts(t *testing.T) {
	db := openReal(t)
	want := map[POS]int{Noun: 82115, Verb: 13767, Adj: 18156, Adv: 3621}
	got := map[POS]int{}
	for _, s := range db.Synsets {
		p := s.POS
		if p == AdjSat {
			p = Adj
		}
		got[p]++
	}
	for p, n := range want {
		if got[p] != n {
			t.Errorf("synsets of %c = %d; want %d", p, got[p], n)
		}
	}
	inst := 0
	for _, s := range db.Synsets {
		if s.IsInstance() {
			inst++
		}
	}
	if inst < 7500 || inst > 8000 {
		t.Errorf("instance synsets = %d; want about 7,700", inst)
	}
}

func lemmasOf(ss []*Synset) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Lemmas[0])
	}
	return out
}

func TestRelations(t *testing.T) {
	db := openReal(t)
	tests := []struct {
		lemma string
		rel   func(*Synset) []*Synset
		name  string
		want  string // lemma expected among the targets of some sense
	}{
		{"Marie Curie", db.InstanceHypernyms, "@i", "chemist"},
		{"Chad", db.PartHolonyms, "#p", "Africa"},
		{"Chad", db.PartMeronyms, "%p", "N'Djamena"},
		{"N'Djamena", db.InstanceHypernyms, "@i", "national capital"},
		{"dog", db.Hypernyms, "@", "canine"},
	}
	for _, tt := range tests {
		t.Run(tt.lemma+tt.name+tt.want, func(t *testing.T) {
			ss := db.Lookup(tt.lemma, Noun)
			if len(ss) == 0 {
				t.Fatalf("Lookup(%q) found nothing", tt.lemma)
			}
			var got []string
			for _, s := range ss { // any sense may carry the relation
				got = append(got, lemmasOf(tt.rel(s))...)
			}
			if !slices.Contains(got, tt.want) {
				t.Errorf("%s(%s) = %q; want it to contain %q", tt.name, tt.lemma, got, tt.want)
			}
		})
	}
	curie := db.Lookup("marie_curie", Noun)[0]
	if !strings.Contains(curie.Definition, "radium") || curie.LexFile != "noun.person" {
		t.Errorf("Marie Curie = %+v; want a noun.person gloss mentioning radium", curie)
	}
	dog := db.Lookup("dog", Noun)[0]
	if len(dog.Examples) != 1 || dog.Examples[0] != "the dog barked all night" {
		t.Errorf("dog examples = %q; want [the dog barked all night]", dog.Examples)
	}
	if !db.IsA(dog, db.Lookup("animal", Noun)[0]) {
		t.Error("IsA(dog, animal) = false; want true")
	}
	k, err := ParseID(curie.ID())
	if err != nil || db.Synset(k) != curie {
		t.Errorf("ParseID(%s) = %v, %v; want the Curie synset", curie.ID(), k, err)
	}
}

func TestParseDataLine(t *testing.T) {
	tests := []struct {
		name, line string
		check      func(*Synset) bool
		err        string
	}{
		{"satellite markers",
			`00021400 00 s 02 nearby 0 within_reach(p) 0 002 & 00021377 a 0000 + 04720011 n 0101 | close enough to pick up without standing; "she kept a nearby pencil beside the phone"  `,
			func(s *Synset) bool {
				return s.Words[1].Lemma == "within reach" && s.Words[1].Marker == "p" &&
					s.Pointers[1].SourceWord == 1 && s.Pointers[1].TargetWord == 1 &&
					s.Definition == "close enough to pick up without standing" && len(s.Examples) == 1
			}, ""},
		{"verb frames",
			`00003311 29 v 01 exhale_slowly 2 003 $ 00003302 v 0000 @ 00003302 v 0000 + 03220456 a 0101 01 + 02 00 | let breath out at an unhurried pace, as when settling down after a fright  `,
			func(s *Synset) bool {
				return len(s.Frames) == 1 && s.Frames[0] == Frame{Num: 2} && s.LexFile == "verb.body"
			}, ""},
		{"no gloss bar", `00001740 03 n 01 entity 0 000`, nil, "missing '|'"},
		{"bad pointer", `00001740 03 n 01 entity 0 001 @ 123 x 0000 | g`, nil, "pointer 1 of 1: bad target part of speech"},
		{"short words", `00001740 03 n 02 entity 0 | g`, nil, "word 2"},
		{"trailing junk", `00001740 03 n 01 entity 0 000 junk | g`, nil, `unexpected "junk"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseDataLine(tt.line)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v; want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("ParseDataLine = %+v; fails check", s)
			}
		})
	}
}

func TestReadDataErrorPosition(t *testing.T) {
	in := "  1 license line  \n00001740 03 n 01 entity 0 000 | ok\n00001741 03 n 01 x 0 00z | bad\n"
	err := ReadData(strings.NewReader(in), "data.noun", func(*Synset) error { return nil })
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || !strings.HasPrefix(err.Error(), "data.noun:3: ") {
		t.Errorf("error = %v; want data.noun:3: ...", err)
	}
}

func TestSplitGloss(t *testing.T) {
	tests := []struct {
		in, def string
		ex      []string
	}{
		{`a; b; "x; y"; "z" - Author`, "a; b", []string{"x; y", "z"}},
		{`plain`, "plain", nil},
		{`"only example"`, "", []string{"only example"}},
	}
	for _, tt := range tests {
		def, ex := SplitGloss(tt.in)
		if def != tt.def || !slices.Equal(ex, tt.ex) {
			t.Errorf("SplitGloss(%q) = %q, %q; want %q, %q", tt.in, def, ex, tt.def, tt.ex)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	p := demotest.Paths(b)
	for b.Loop() {
		if _, err := Open(p.WordNetDir()); err != nil {
			b.Fatal(err)
		}
	}
}
