package exam

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cemlab/cem/internal/fuzzseed"
)

// FuzzDecodeSuite checks that the suite reader never panics, returns
// valid items, and that what it accepts survives a write and read.
func FuzzDecodeSuite(f *testing.F) {
	fuzzseed.AddFiles(f, "testdata/suite.jsonl")
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
