package wordnet

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzReadData checks that the data and index parsers never panic, that
// their errors name the file, and that accepted synsets are well formed.
func FuzzReadData(f *testing.F) {
	for _, p := range []string{"testdata/data_snippet.txt", "testdata/index_snippet.txt"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := ReadData(bytes.NewReader(b), "data.fuzz", func(s *Synset) error {
			if len(s.Words) == 0 || len(s.Lemmas) != len(s.Words) || s.LexFile == "" {
				t.Fatalf("malformed synset %+v", s)
			}
			return nil
		})
		if err != nil && !strings.HasPrefix(err.Error(), "data.fuzz:") {
			t.Fatalf("error %q does not name the file", err)
		}
		_ = ReadIndex(bytes.NewReader(b), "index.fuzz", func(IndexEntry) error { return nil })
	})
}
