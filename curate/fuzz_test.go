package curate

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"
	"unicode"
)

// FuzzParseReviewList checks that the review-list parser never panics,
// that its errors name the file and line, and that what it accepts is a
// consistent list (an id approved or rejected, never both; ids without
// white space) that survives being written out and read again.
func FuzzParseReviewList(f *testing.F) {
	b, err := os.ReadFile("testdata/review.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("approve p1\nreject p2 outdated figure\napprove p3\nreject p3\n"))
	f.Add([]byte("maybe p2\n"))
	f.Add([]byte("reject\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseReviewList(bytes.NewReader(b), "fuzz.txt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.txt:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		var out strings.Builder
		for id := range l.Approved {
			if _, both := l.Rejected[id]; both {
				t.Fatalf("id %q is both approved and rejected", id)
			}
			fmt.Fprintf(&out, "approve %s\n", id)
		}
		for id, note := range l.Rejected {
			if id == "" || strings.IndexFunc(id, unicode.IsSpace) >= 0 || note != strings.TrimSpace(note) {
				t.Fatalf("rejected id %q with note %q: want an id without white space and a trimmed note", id, note)
			}
			fmt.Fprintf(&out, "reject %s %s\n", id, note)
		}
		back, err := ParseReviewList(strings.NewReader(out.String()), "again.txt")
		if err != nil {
			t.Fatalf("re-read of %q: %v", out.String(), err)
		}
		if !maps.Equal(back.Approved, l.Approved) || !maps.Equal(back.Rejected, l.Rejected) {
			t.Fatalf("re-read gave %v / %v; want %v / %v", back.Approved, back.Rejected, l.Approved, l.Rejected)
		}
	})
}
