package suitebuild

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cemlab/cem/internal/fuzzseed"
)

// FuzzParseQuiz checks that the quiz parser never panics, that its errors
// name the file, and that every field it accepts expands to at most the
// asked number of distinct strings, and to some string when it has a
// canonical form.
func FuzzParseQuiz(f *testing.F) {
	fuzzseed.AddFiles(f, "testdata/quiz_snippet.txt", "testdata/quiz_index_snippet.txt")
	f.Add([]byte("a{b[c|d]}:e\\\nf\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := ParseQuiz(bytes.NewReader(b), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, r := range recs {
			for _, p := range r.Fields {
				exp := p.Expand(8)
				if len(exp) > 8 {
					t.Fatalf("Expand(8) gave %d strings", len(exp))
				}
				if c := p.Canonical(); c != "" && len(exp) == 0 {
					t.Fatalf("Canonical() = %q but Expand(8) gave nothing", c)
				}
				seen := make(map[string]bool, len(exp))
				for _, e := range exp {
					if seen[e] {
						t.Fatalf("Expand(8) repeats %q in %v", e, exp)
					}
					seen[e] = true
				}
			}
		}
		_, _ = ParseQuizIndex(bytes.NewReader(b), "fuzz")
	})
}

// FuzzParseOpenTrivia checks that the OpenTriviaQA parser never panics and
// only returns valid items.
func FuzzParseOpenTrivia(f *testing.F) {
	fuzzseed.AddFiles(f, "testdata/opentrivia.txt")
	f.Add([]byte("#Q q?\n^ x\nA x\nB y\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := ParseOpenTrivia(bytes.NewReader(b), "fuzz", "f", "t")
		if err != nil {
			return
		}
		for _, it := range items {
			if err := it.Validate(); err != nil {
				t.Fatalf("invalid item %+v: %v", it, err)
			}
		}
	})
}
