package knowledge

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cemlab/cem/internal/jsonl"
)

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
// stops reading with a *jsonl.LineError "name:line: what is wrong".
func ReadJSONL(r io.Reader, name, source string) (*Corpus, error) {
	c := &Corpus{Name: source}
	seen := map[string]int{}
	err := jsonl.Lines(r, name, func(line int, b []byte) error {
		if b[0] != '{' {
			return fmt.Errorf("want a JSON object, got %q", truncate(string(b), 20))
		}
		var rec jsonlRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return err
		}
		switch {
		case rec.ID == "":
			return errors.New("missing \"id\"")
		case rec.Text == "":
			return fmt.Errorf("record %q has no \"text\"", rec.ID)
		}
		if prev, dup := seen[rec.ID]; dup {
			return fmt.Errorf("id %q already used on line %d", rec.ID, prev)
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
		return nil
	})
	if err != nil {
		return nil, err
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
	if err := jsonl.Encode(bw, passages); err != nil {
		return err
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
