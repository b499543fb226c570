package knowledge

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// maxJSONLLine bounds one JSON Lines record.
const maxJSONLLine = 16 << 20

// jsonlRecord is the accepted shape of one line; "licence" is taken as a
// spelling of "license".
type jsonlRecord struct {
	ID      string            `json:"id"`
	Title   string            `json:"title"`
	Text    string            `json:"text"`
	Source  string            `json:"source"`
	URL     string            `json:"url"`
	License string            `json:"license"`
	Licence string            `json:"licence"`
	Fields  map[string]string `json:"fields"`
}

// ReadJSONL reads passages from JSON Lines: one object per line with keys
// id, title, text, source, url, license (or licence) and fields (an object
// of strings); other keys are ignored. name is the file name used in
// errors; source is the Source given to records without one (and the
// Corpus name). Blank lines are allowed. The first line that is not a
// JSON object, lacks id or text, is not UTF-8, or repeats an earlier id
// stops reading with an error "name:line: what is wrong".
func ReadJSONL(r io.Reader, name, source string) (*Corpus, error) {
	c := &Corpus{Name: source}
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxJSONLLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if !utf8.Valid(b) {
			return nil, fmt.Errorf("%s:%d: not valid UTF-8", name, line)
		}
		if b[0] != '{' {
			return nil, fmt.Errorf("%s:%d: want a JSON object, got %q", name, line, truncate(string(b), 20))
		}
		var rec jsonlRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		switch {
		case rec.ID == "":
			return nil, fmt.Errorf("%s:%d: missing \"id\"", name, line)
		case rec.Text == "":
			return nil, fmt.Errorf("%s:%d: record %q has no \"text\"", name, line, rec.ID)
		}
		if prev, dup := seen[rec.ID]; dup {
			return nil, fmt.Errorf("%s:%d: id %q already used on line %d", name, line, rec.ID, prev)
		}
		seen[rec.ID] = line
		if rec.Source == "" {
			rec.Source = source
		}
		if rec.License == "" {
			rec.License = rec.Licence
		}
		c.Passages = append(c.Passages, Passage{
			ID: rec.ID, Source: rec.Source, Title: rec.Title, Text: rec.Text,
			URL: rec.URL, License: rec.License, Fields: rec.Fields,
		})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return c, nil
}

// ReadJSONLFile reads a JSON Lines file; source defaults to the file's
// base name without extension.
func ReadJSONLFile(path, source string) (*Corpus, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if source == "" {
		base := filepath.Base(path)
		source = base[:len(base)-len(filepath.Ext(base))]
	}
	return ReadJSONL(f, path, source)
}

// WriteJSONL writes passages as JSON Lines, the format ReadJSONL reads.
func WriteJSONL(w io.Writer, passages []Passage) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range passages {
		if err := enc.Encode(&passages[i]); err != nil {
			return fmt.Errorf("passage %q: %w", passages[i].ID, err)
		}
	}
	return bw.Flush()
}

// truncate shortens s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
