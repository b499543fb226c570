package docs

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// checkText refuses text that holds NUL bytes or is not UTF-8, saying
// where.
func checkText(b []byte) error {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return skipf(ReasonBinary, "NUL byte at offset %d", i)
	}
	if !utf8.Valid(b) {
		off, line := badUTF8(b)
		return skipf(ReasonNotUTF8, "invalid UTF-8 at offset %d (line %d); convert it, e.g. with iconv -t UTF-8", off, line)
	}
	return nil
}

// badUTF8 returns the offset and 1-based line of the first invalid byte.
func badUTF8(b []byte) (off, line int) {
	line = 1
	for off < len(b) {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size == 1 {
			return off, line
		}
		if r == '\n' {
			line++
		}
		off += size
	}
	return off, line
}

// readText reads plain text (markdown false) or Markdown into blocks:
// paragraphs are separated by blank lines; in Markdown, "#" lines (ATX)
// and lines underlined with === or --- (setext) are headings, and fenced
// code blocks are kept whole as paragraphs.
func readText(b []byte, markdown bool) (*document, error) {
	if err := checkText(b); err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	doc := &document{}
	var para []string
	fence := ""
	end := func() {
		if len(para) > 0 {
			doc.blocks = append(doc.blocks, block{text: oneLine(strings.Join(para, " "))})
			para = para[:0]
		}
	}
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if markdown && fence != "" {
			if strings.HasPrefix(l, fence) {
				fence = ""
				end()
				continue
			}
			para = append(para, l)
			continue
		}
		if markdown {
			if f := fenceOf(l); f != "" {
				end()
				fence = f
				continue
			}
			if lvl, text := atxHeading(l); lvl > 0 {
				end()
				doc.blocks = append(doc.blocks, block{level: lvl, text: text})
				continue
			}
			if l != "" && len(para) == 0 && i+1 < len(lines) {
				if lvl := setextLevel(lines[i+1]); lvl > 0 {
					doc.blocks = append(doc.blocks, block{level: lvl, text: oneLine(l)})
					i++
					continue
				}
			}
		}
		if l == "" {
			end()
			continue
		}
		para = append(para, l)
	}
	end()
	return doc, nil
}

// fenceOf returns the fence a line opens (``` or ~~~), or "".
func fenceOf(l string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(l, f) {
			return f
		}
	}
	return ""
}

// atxHeading returns the level and text of a "# heading" line, or 0.
func atxHeading(l string) (int, string) {
	n := 0
	for n < len(l) && l[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(l) && l[n] != ' ' && l[n] != '\t') {
		return 0, ""
	}
	text := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(l[n:]), "#"))
	if text == "" {
		return 0, ""
	}
	return n, oneLine(text)
}

// setextLevel is 1 for a === underline, 2 for ---, else 0.
func setextLevel(l string) int {
	l = strings.TrimSpace(l)
	switch {
	case len(l) >= 3 && strings.Trim(l, "=") == "":
		return 1
	case len(l) >= 3 && strings.Trim(l, "-") == "":
		return 2
	}
	return 0
}
