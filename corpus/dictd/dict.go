package dictd

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Dict is an opened dictd dictionary: its index entries in file order and
// its whole uncompressed text held in memory (GCIDE, the largest demo
// dictionary, is 40 MB uncompressed and decompresses in well under a
// second, so random access to dictzip chunks is not needed).
type Dict struct {
	IndexPath, DataPath string
	Entries             []Entry
	data                []byte
}

// Open reads the index at indexPath and the data at dataPath (a .dict.dz
// dictzip/gzip file, or a plain .dict file when the name does not end in
// .dz). Errors name the file at fault; index errors are *ParseError.
func Open(indexPath, dataPath string) (*Dict, error) {
	f, err := os.Open(indexPath)
	if err != nil {
		return nil, err
	}
	entries, err := ParseIndex(f, indexPath)
	f.Close()
	if err != nil {
		return nil, err
	}
	data, err := readData(dataPath)
	if err != nil {
		return nil, err
	}
	return &Dict{IndexPath: indexPath, DataPath: dataPath, Entries: entries, data: data}, nil
}

// readData returns the uncompressed bytes of a .dict or .dict.dz file.
func readData(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".dz") {
		return raw, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s:0: not a dictzip/gzip file: %w", path, err)
	}
	out := bytes.NewBuffer(make([]byte, 0, 4*len(raw)))
	if _, err := io.Copy(out, zr); err != nil {
		return nil, fmt.Errorf("%s: decompressing after %d bytes: %w", path, out.Len(), err)
	}
	return out.Bytes(), nil
}

// Size returns the length of the uncompressed data.
func (d *Dict) Size() int64 { return int64(len(d.data)) }

// Text returns the raw text of e (a slice of the dictionary's memory; do
// not modify it). It fails, naming the index line, when e lies outside the
// data.
func (d *Dict) Text(e Entry) ([]byte, error) {
	if e.Offset < 0 || e.Length < 0 || e.Offset > int64(len(d.data)) || e.Length > int64(len(d.data))-e.Offset {
		return nil, fmt.Errorf("%s:%d: entry %q at offset %d length %d lies outside the %d-byte data of %s",
			d.IndexPath, e.Line, e.Headword, e.Offset, e.Length, len(d.data), d.DataPath)
	}
	return d.data[e.Offset : e.Offset+e.Length], nil
}

// Lookup returns the entries whose headword equals word ignoring case, in
// index order.
func (d *Dict) Lookup(word string) []Entry {
	var out []Entry
	for _, e := range d.Entries {
		if strings.EqualFold(e.Headword, word) {
			out = append(out, e)
		}
	}
	return out
}

// Span is one distinct entry text shared by one or more headwords: dictd
// indexes often point several headwords (variant spellings, inflections)
// at the same text.
type Span struct {
	Offset, Length int64
	Headwords      []string // in index order
	Line           int      // index line of the first headword
}

// Spans groups the entries by (offset, length) and returns one Span per
// distinct text, ordered by offset. Entries whose headword starts with
// "00-database-" or "00database" (dictd's meta entries) are left out and
// counted in meta.
func (d *Dict) Spans() (spans []Span, meta int) {
	type key struct{ off, n int64 }
	at := map[key]int{}
	for _, e := range d.Entries {
		if IsMeta(e.Headword) {
			meta++
			continue
		}
		k := key{e.Offset, e.Length}
		if i, ok := at[k]; ok {
			spans[i].Headwords = append(spans[i].Headwords, e.Headword)
			continue
		}
		at[k] = len(spans)
		spans = append(spans, Span{Offset: e.Offset, Length: e.Length, Headwords: []string{e.Headword}, Line: e.Line})
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].Offset < spans[j].Offset })
	return spans, meta
}

// SpanText returns the raw text of s, checked like Text.
func (d *Dict) SpanText(s Span) ([]byte, error) {
	return d.Text(Entry{Headword: s.Headwords[0], Offset: s.Offset, Length: s.Length, Line: s.Line})
}

// IsMeta reports whether headword names a dictd meta entry
// ("00-database-info", "00databaseshort", ...).
func IsMeta(headword string) bool {
	return strings.HasPrefix(headword, "00-database-") || strings.HasPrefix(headword, "00database")
}
