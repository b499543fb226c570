package factbook

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Field is one leaf of a country profile.
type Field struct {
	// Path is section > field > subfield, e.g. ["Government", "Capital",
	// "name"]. The leaf key "text" is not part of the path; any other leaf
	// key (such as "note") is its last element. Elements are trimmed of
	// surrounding spaces.
	Path []string
	// Text is the leaf's text with HTML tags removed (line breaks and
	// paragraphs become newlines), entities decoded and runs of spaces
	// collapsed.
	Text string
}

// Country is one Factbook profile.
type Country struct {
	Code   string // file name without ".json", e.g. "cd"
	Region string // folder name, e.g. "africa"
	// Name is the conventional short form of the country name, or the
	// conventional long form when the short form is "none", or Code
	// upper-cased when the profile has neither (oceans, the world).
	Name   string
	Fields []Field
}

// Get returns the text of the field whose path equals path, comparing
// elements case-insensitively, and whether it was found.
func (c *Country) Get(path ...string) (string, bool) {
	for _, f := range c.Fields {
		if pathEqual(f.Path, path) {
			return f.Text, true
		}
	}
	return "", false
}

// Prefix returns the fields whose path starts with prefix (compared
// case-insensitively), in file order.
func (c *Country) Prefix(prefix ...string) []Field {
	var out []Field
	for _, f := range c.Fields {
		if len(f.Path) >= len(prefix) && pathEqual(f.Path[:len(prefix)], prefix) {
			out = append(out, f)
		}
	}
	return out
}

// pathEqual compares two paths element-wise, case-insensitively.
func pathEqual(a, b []string) bool {
	return slices.EqualFunc(a, b, strings.EqualFold)
}

// Open reads every country file under dir (dir/<region>/<code>.json),
// sorted by region then code. It fails when dir holds no country files, or
// names the file at fault when one cannot be read or parsed.
func Open(dir string) ([]*Country, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		return nil, fmt.Errorf("factbook: %w", err)
	}
	slices.Sort(files)
	var out []*Country
	for _, path := range files {
		region := filepath.Base(filepath.Dir(path))
		if region == "meta" {
			continue
		}
		c, err := ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("factbook: no country files under %s (want <region>/<code>.json)", dir)
	}
	return out, nil
}

// ReadFile reads one country file; Code and Region come from its path.
func ReadFile(path string) (*Country, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("factbook: %w", err)
	}
	defer f.Close()
	code := strings.TrimSuffix(filepath.Base(path), ".json")
	c, err := Decode(f, code, filepath.Base(filepath.Dir(path)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Decode parses one profile from r. Errors give the byte offset at fault.
// Leaves that are not strings (counts) are ignored.
func Decode(r io.Reader, code, region string) (*Country, error) {
	dec := json.NewDecoder(r)
	c := &Country{Code: code, Region: region}
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("offset %d: top level is not an object", dec.InputOffset())
	}
	if err := walk(dec, nil, c); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("offset %d: data after the top-level object", dec.InputOffset())
	}
	c.Name = countryName(c)
	return c, nil
}

// maxDepth bounds nesting; real profiles are four levels deep.
const maxDepth = 16

// walk reads the members of an object whose '{' was consumed, appending
// string leaves to c.Fields.
func walk(dec *json.Decoder, path []string, c *Country) error {
	if len(path) > maxDepth {
		return fmt.Errorf("offset %d: nested deeper than %d", dec.InputOffset(), maxDepth)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
		}
		key, _ := tok.(string)
		key = strings.TrimSpace(key)
		tok, err = dec.Token()
		if err != nil {
			return fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
		}
		switch v := tok.(type) {
		case json.Delim:
			if v != '{' {
				if err := skip(dec); err != nil {
					return err
				}
				continue
			}
			if err := walk(dec, append(slices.Clip(path), key), c); err != nil {
				return err
			}
		case string:
			p := slices.Clone(path)
			if key != "text" {
				p = append(p, key)
			}
			if t := CleanText(v); t != "" && len(p) > 0 {
				c.Fields = append(c.Fields, Field{Path: p, Text: t})
			}
		}
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
	}
	return nil
}

// skip consumes the rest of an array whose '[' was consumed.
func skip(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// countryName picks the Name of c (see Country.Name).
func countryName(c *Country) string {
	for _, form := range []string{"conventional short form", "conventional long form"} {
		if s, ok := c.Get("Government", "Country name", form); ok && !strings.EqualFold(s, "none") {
			return s
		}
	}
	return strings.ToUpper(c.Code)
}

var (
	breakTag = regexp.MustCompile(`(?i)<\s*(br|/p|p|/li|/div)\s*/?>`)
	anyTag   = regexp.MustCompile(`<[^>]*>`)
	spaces   = regexp.MustCompile(`[ \t\x{a0}]+`)
	newlines = regexp.MustCompile(`\s*\n\s*`)
)

// CleanText strips HTML from s: line-break and paragraph tags become
// newlines, other tags are removed, entities are decoded, runs of spaces
// (including no-break spaces) become one space and blank lines vanish.
func CleanText(s string) string {
	if strings.ContainsRune(s, '<') {
		s = breakTag.ReplaceAllString(s, "\n")
		s = anyTag.ReplaceAllString(s, "")
	}
	s = html.UnescapeString(s)
	s = spaces.ReplaceAllString(s, " ")
	s = newlines.ReplaceAllString(s, "\n")
	return strings.TrimSpace(s)
}
