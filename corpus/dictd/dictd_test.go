package dictd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

func TestDecodeNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr string
	}{
		{"A", 0, ""},
		{"B", 1, ""},
		{"/", 63, ""},
		{"BA", 64, ""},
		{"BRzn5", 21445113, ""},
		{"", 0, "empty"},
		{"A-B", 0, "not a base-64 digit"},
		{"//////////", 0, "too large"},
	}
	for _, tt := range tests {
		got, err := DecodeNumber(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("DecodeNumber(%q) err = %v; want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("DecodeNumber(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
		if enc := EncodeNumber(got); enc != tt.in && tt.in != "A" {
			t.Errorf("EncodeNumber(%d) = %q; want %q", got, enc, tt.in)
		}
	}
}

func TestParseIndexErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"two fields", "apple\tA\n", "sample.index:1: want 3 tab-separated fields"},
		{"bad digit", "apple\tA\tB\npear\tA!\tB\n", "sample.index:2: offset: '!' is not a base-64 digit"},
		{"empty headword", "\tA\tB\n", "sample.index:1: empty headword"},
		{"empty line", "apple\tA\tB\n\n", "sample.index:2: empty line"},
		{"bad length", "apple\tA\t\n", "sample.index:1: length: empty number"},
		{"invalid utf8", "ap\xffple\tA\tB\n", "sample.index:1: headword is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIndex(strings.NewReader(tt.in), "sample.index")
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v; want *ParseError starting %q", err, tt.want)
			}
		})
	}
}

func TestParseIndexSample(t *testing.T) {
	f, err := os.Open("testdata/sample.index")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ParseIndex(f, "sample.index")
	if err != nil {
		t.Fatal(err)
	}
	byWord := map[string]Entry{}
	for _, e := range entries {
		byWord[e.Headword] = e
	}
	if e := byWord["kestrel"]; e.Offset != 21445113 || e.Length != 2210 {
		t.Errorf("kestrel = %+v; want offset 21445113 length 2210", e)
	}
	if e := byWord["00databaseinfo"]; !IsMeta(e.Headword) || e.Line != 3 {
		t.Errorf("00databaseinfo = %+v; want a meta entry on line 3", e)
	}
}

// openReal opens a demo dictionary (see demotest.Paths).
func openReal(t *testing.T, name string) *Dict {
	t.Helper()
	idx, data := demotest.Paths(t).Dict(name)
	d, err := Open(idx, data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestOpenReal(t *testing.T) {
	tests := []struct {
		dict, word, want string
		minSpans         int
	}{
		{"elements", "hydrogen", "Atomic number: 1", 100},
		{"gcide", "capital", "The seat of", 120000},
		{"gcide", "chad", "Shad \\Shad\\", 120000},
		{"foldoc", "Go", "thinking game", 12000},
	}
	for _, tt := range tests {
		t.Run(tt.dict+"/"+tt.word, func(t *testing.T) {
			d := openReal(t, tt.dict)
			found := false
			for _, e := range d.Lookup(tt.word) {
				text, err := d.Text(e)
				if err != nil {
					t.Fatal(err)
				}
				found = found || strings.Contains(string(text), tt.want)
			}
			if !found {
				t.Errorf("Lookup(%q): no entry text contains %q", tt.word, tt.want)
			}
			spans, meta := d.Spans()
			if len(spans) < tt.minSpans || meta == 0 {
				t.Errorf("Spans() = %d spans, %d meta; want >= %d spans and some meta", len(spans), meta, tt.minSpans)
			}
			for _, s := range spans {
				if _, err := d.SpanText(s); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestTextOutOfRange(t *testing.T) {
	dir := t.TempDir()
	idx, data := filepath.Join(dir, "x.index"), filepath.Join(dir, "x.dict")
	if err := os.WriteFile(idx, []byte("ok\tA\tF\nbad\tB\tZ\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(data, []byte("hello world"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(idx, data)
	if err != nil {
		t.Fatal(err)
	}
	if text, err := d.Text(d.Entries[0]); err != nil || string(text) != "hello" {
		t.Errorf("Text(ok) = %q, %v; want hello", text, err)
	}
	if _, err := d.Text(d.Entries[1]); err == nil || !strings.Contains(err.Error(), "x.index:2: entry \"bad\"") {
		t.Errorf("Text(bad) err = %v; want x.index:2 outside the data", err)
	}
	if _, err := Open(idx, filepath.Join(dir, "missing.dict.dz")); err == nil {
		t.Error("Open with a missing data file succeeded")
	}
	if err := os.WriteFile(data+".dz", []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(idx, data+".dz"); err == nil || !strings.Contains(err.Error(), "not a dictzip/gzip file") {
		t.Errorf("Open(not gzip) err = %v; want 'not a dictzip/gzip file'", err)
	}
}

// FuzzIndex checks that ParseIndex never panics and that every entry it
// accepts round-trips through EncodeNumber.
func FuzzIndex(f *testing.F) {
	sample, err := os.ReadFile("testdata/sample.index")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	for _, line := range strings.SplitAfter(string(sample), "\n") {
		f.Add([]byte(line))
	}
	f.Add([]byte("a\t//////////\tA\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		entries, err := ParseIndex(strings.NewReader(string(in)), "fuzz.index")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error %v is not a *ParseError with a line", err)
			}
		}
		for _, e := range entries {
			if e.Headword == "" || e.Offset < 0 || e.Length < 0 {
				t.Fatalf("accepted bad entry %+v", e)
			}
			if n, err := DecodeNumber(EncodeNumber(e.Offset)); err != nil || n != e.Offset {
				t.Fatalf("offset %d does not round-trip: %d, %v", e.Offset, n, err)
			}
		}
	})
}
