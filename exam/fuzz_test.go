package exam

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// addFileSeed adds the contents of a testdata file to a fuzz corpus.
func addFileSeed(f *testing.F, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

// FuzzParseQuiz checks that the quiz parser never panics, that its errors
// name the file, and that every field it accepts expands to at most the
// asked number of distinct strings, and to some string when it has a
// canonical form.
func FuzzParseQuiz(f *testing.F) {
	addFileSeed(f, "testdata/quiz_snippet.txt")
	addFileSeed(f, "testdata/quiz_index_snippet.txt")
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
	addFileSeed(f, "testdata/opentrivia.txt")
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

// FuzzDecodeSuite checks that the suite reader never panics, returns
// valid items, and that what it accepts survives a write and read.
func FuzzDecodeSuite(f *testing.F) {
	addFileSeed(f, "testdata/suite.jsonl")
	f.Add([]byte(`{"id":"a","question":"q","choices":["x","y"],"answer":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := DecodeSuite(bytes.NewReader(b), "fuzz.jsonl")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.jsonl:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, it := range items {
			if err := it.Validate(); err != nil {
				t.Fatalf("accepted an invalid item: %v", err)
			}
		}
		var buf bytes.Buffer
		for _, it := range items {
			j, err := it.MarshalJSONLine()
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(j)
		}
		back, err := DecodeSuite(&buf, "again.jsonl")
		if err != nil || len(back) != len(items) {
			t.Fatalf("re-read gave %d items, %v; want %d", len(back), err, len(items))
		}
	})
}
