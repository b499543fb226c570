package knowledge

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultMaxChars is the default size cap of a text-folder passage.
const DefaultMaxChars = 1500

// ReadTextDir reads every .txt and .md file under dir (recursively, in
// lexical path order) into passages. A file is split at headings
// (Markdown "# ..." lines, and lines underlined with === or ---) into
// sections, and each section's paragraphs (separated by blank lines) are
// packed into passages of at most maxChars bytes (<= 0 means
// DefaultMaxChars); a paragraph longer than the cap is cut at sentence
// ends, or at spaces when a sentence is itself too long.
//
// Passage IDs are "<source>:<relative path>#<n>", Titles "<file name> >
// <heading>", URLs "<relative path>:<first line>". A file that is not
// UTF-8 is an error "path:line: not valid UTF-8". Empty files are
// listed in Skipped.
func ReadTextDir(ctx context.Context, dir, source string, maxChars int) (*Corpus, error) {
	if maxChars <= 0 {
		maxChars = DefaultMaxChars
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".txt") || strings.HasSuffix(path, ".md")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("text folder: %w", err)
	}
	slices.Sort(files)
	c := &Corpus{Name: source}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if !utf8.Valid(b) {
			return nil, fmt.Errorf("%s:%d: not valid UTF-8", path, badUTF8Line(b))
		}
		n := len(c.Passages)
		splitText(c, string(b), rel, source, maxChars)
		if len(c.Passages) == n {
			c.skip(rel, "no text")
		}
	}
	return c, nil
}

// badUTF8Line returns the 1-based line of the first invalid byte.
func badUTF8Line(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[size:]
	}
	return line
}

// textBlock is a paragraph with the line it starts on.
type textBlock struct {
	text string
	line int
}

// splitText appends the passages of one file to c.
func splitText(c *Corpus, text, rel, source string, maxChars int) {
	base := filepath.Base(rel)
	title := strings.TrimSuffix(base, filepath.Ext(base))
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	heading := ""
	count := 0
	var blocks []textBlock
	var cur []string
	curLine := 0
	flushPara := func() {
		if len(cur) > 0 {
			blocks = append(blocks, textBlock{strings.Join(strings.Fields(strings.Join(cur, " ")), " "), curLine})
			cur = cur[:0]
		}
	}
	flushSection := func() {
		flushPara()
		packBlocks(c, blocks, rel, source, sectionTitle(title, heading), maxChars, &count)
		blocks = blocks[:0]
	}
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if h, ok := strings.CutPrefix(l, "#"); ok && (h == "" || h[0] == ' ' || h[0] == '#') {
			flushSection()
			heading = strings.TrimSpace(strings.TrimLeft(h, "#"))
			continue
		}
		if l != "" && i+1 < len(lines) && isUnderline(lines[i+1]) && len(cur) == 0 {
			flushSection()
			heading = l
			i++
			continue
		}
		if l == "" {
			flushPara()
			continue
		}
		if len(cur) == 0 {
			curLine = i + 1
		}
		cur = append(cur, l)
	}
	flushSection()
}

// isUnderline reports whether l is a setext heading underline.
func isUnderline(l string) bool {
	l = strings.TrimSpace(l)
	return len(l) >= 3 && (strings.Trim(l, "=") == "" || strings.Trim(l, "-") == "")
}

func sectionTitle(file, heading string) string {
	if heading == "" {
		return file
	}
	return file + " > " + heading
}

// packBlocks groups a section's paragraphs into passages under the cap.
// next counts the file's passages so far.
func packBlocks(c *Corpus, blocks []textBlock, rel, source, title string, maxChars int, next *int) {
	var parts []string
	line := 0
	emit := func() {
		if len(parts) == 0 {
			return
		}
		*next++
		c.Passages = append(c.Passages, Passage{
			ID:     source + ":" + rel + "#" + strconv.Itoa(*next),
			Source: source,
			Title:  title,
			Text:   strings.Join(parts, "\n"),
			URL:    rel + ":" + strconv.Itoa(line),
		})
		parts = parts[:0]
	}
	size := 0
	for _, b := range blocks {
		for _, piece := range capText(b.text, maxChars) {
			if size > 0 && size+1+len(piece) > maxChars {
				emit()
				size = 0
			}
			if len(parts) == 0 {
				line = b.line
			}
			parts = append(parts, piece)
			size += len(piece) + 1
		}
	}
	emit()
}

// capText cuts s into pieces of at most max bytes, at sentence ends when
// possible, else at spaces, else inside a word (at a rune boundary).
func capText(s string, max int) []string {
	var out []string
	for len(s) > max {
		cut := -1
		for _, sep := range []string{". ", "? ", "! ", " "} {
			if i := strings.LastIndex(s[:max], sep); i > 0 {
				cut = i + len(sep) - 1
				break
			}
		}
		if cut <= 0 {
			cut = max
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			if cut == 0 {
				cut = max
			}
		}
		out = append(out, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
