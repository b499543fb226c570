package docs

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// pdfEngine runs pdftotext; path is "" when it is not installed.
type pdfEngine struct {
	path    string
	timeout time.Duration
}

func newPDFEngine(c *Config) pdfEngine {
	p, err := exec.LookPath(c.PDFToText)
	if err != nil {
		p = ""
	}
	return pdfEngine{path: p, timeout: c.PDFTimeout}
}

// readPDF reads the PDF file at file (whose bytes are b): its pages, each
// a run of paragraphs, and headings where the line heights show them
// (see pdfBlocks). A file without a "%PDF-" header or without "%%EOF" in
// its last 2 KiB (truncated) is ReasonCorruptPDF without running
// pdftotext, which recovers text from truncated files and would index
// half a document.
func (e pdfEngine) readPDF(ctx context.Context, file string, b []byte) (*document, error) {
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return nil, skipf(ReasonCorruptPDF, "no %%PDF- header")
	}
	if !bytes.Contains(b[max(0, len(b)-2048):], []byte("%%EOF")) {
		return nil, skipf(ReasonCorruptPDF, "truncated: no %%%%EOF marker at the end")
	}
	if e.path == "" {
		return nil, skipf(ReasonNoPDFEngine, "pdftotext not found on PATH (install Debian's poppler-utils)")
	}
	out, err := e.run(ctx, file)
	if err != nil {
		return nil, err
	}
	return parseBBox(out)
}

// run runs pdftotext -bbox-layout on file and returns its XHTML output.
func (e pdfEngine) run(ctx context.Context, file string) ([]byte, error) {
	rctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	cmd := exec.CommandContext(rctx, e.path, "-bbox-layout", "-enc", "UTF-8", file, "-")
	stdout := &capWriter{max: maxPDFText, over: cancel}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &capWriter{w: &stderr, max: 64 << 10}
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case stdout.exceeded:
		return nil, skipf(ReasonTooLarge, "pdftotext's output is over %d MiB", maxPDFText>>20)
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return nil, skipf(ReasonPDFTimeout, "pdftotext ran over %s", e.timeout)
	case err != nil:
		msg := firstLine(stderr.String())
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, fmt.Errorf("pdftotext: %w", err)
		}
		if strings.Contains(strings.ToLower(stderr.String()), "password") {
			return nil, skipf(ReasonEncryptedPDF, "needs a password (pdftotext: %s)", msg)
		}
		return nil, skipf(ReasonCorruptPDF, "pdftotext exit %d: %s", ee.ExitCode(), msg)
	}
	return stdout.buf.Bytes(), nil
}

// firstLine is the first non-empty line of s.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return "(no message)"
}

// capWriter keeps up to max bytes (in buf, or passed to w) and calls
// over once when more come.
type capWriter struct {
	buf      bytes.Buffer
	w        io.Writer
	max, n   int
	over     func()
	exceeded bool
}

func (c *capWriter) Write(p []byte) (int, error) {
	if c.n+len(p) > c.max {
		if !c.exceeded && c.over != nil {
			c.over()
		}
		c.exceeded = true
		return 0, errors.New("output over its cap")
	}
	c.n += len(p)
	if c.w != nil {
		return c.w.Write(p)
	}
	return c.buf.Write(p)
}

// bboxLine is one line of pdftotext's word boxes.
type bboxLine struct {
	text   string
	height float64
}

// bboxBlock is one block of lines on a page.
type bboxBlock struct {
	page  int
	lines []bboxLine
}

// parseBBox reads pdftotext -bbox-layout output into a document: the
// <title> (the PDF's Title) and the blocks of each page. Headings: the
// body's line height is the median over all characters; a run of at most
// three lines in a block, of at most 200 characters, all at least 1.15
// times the body's height, is a heading, its level the rank of its height
// among the headings' heights (tallest 1, at most 6).
func parseBBox(out []byte) (*document, error) {
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	var (
		doc    = &document{}
		blocks []bboxBlock
		page   int
		words  []string
		line   bboxLine
		inWord bool
		inTit  bool
		word   strings.Builder
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, skipf(ReasonCorruptPDF, "pdftotext output: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "title":
				inTit = true
			case "page":
				page++
			case "block":
				blocks = append(blocks, bboxBlock{page: page})
			case "line":
				words = words[:0]
				line = bboxLine{height: attrFloat(t, "yMax") - attrFloat(t, "yMin")}
			case "word":
				inWord = true
				word.Reset()
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "title":
				inTit = false
			case "word":
				inWord = false
				words = append(words, word.String())
			case "line":
				line.text = strings.Join(words, " ")
				if n := len(blocks); n > 0 && strings.TrimSpace(line.text) != "" {
					blocks[n-1].lines = append(blocks[n-1].lines, line)
				}
			}
		case xml.CharData:
			switch {
			case inWord:
				word.Write(t)
			case inTit:
				doc.title += string(t)
			}
		}
	}
	doc.title = oneLine(doc.title)
	doc.blocks = pdfBlocks(blocks)
	return doc, nil
}

func attrFloat(e xml.StartElement, name string) float64 {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			f, _ := strconv.ParseFloat(a.Value, 64)
			return f
		}
	}
	return 0
}

// pdfBlocks turns the pages' blocks into headings and paragraphs (see
// parseBBox).
func pdfBlocks(blocks []bboxBlock) []block {
	type weighted struct{ h, w float64 }
	var hs []weighted
	total := 0.0
	for _, b := range blocks {
		for _, l := range b.lines {
			n := float64(utf8.RuneCountInString(l.text))
			hs = append(hs, weighted{l.height, n})
			total += n
		}
	}
	if len(hs) == 0 {
		return nil
	}
	slices.SortFunc(hs, func(a, b weighted) int { return cmp.Compare(a.h, b.h) })
	body, acc := hs[0].h, 0.0
	for _, x := range hs {
		acc += x.w
		if acc >= total/2 {
			body = x.h
			break
		}
	}
	tall := func(l bboxLine) bool { return l.height >= body*1.15 }
	// Runs of lines that are all tall or all not, per block.
	type run struct {
		page    int
		heading bool
		lines   []bboxLine
	}
	var runs []run
	var levels []float64
	for _, b := range blocks {
		for i := 0; i < len(b.lines); {
			j := i
			for j < len(b.lines) && tall(b.lines[j]) == tall(b.lines[i]) {
				j++
			}
			r := run{page: b.page, lines: b.lines[i:j]}
			chars := 0
			for _, l := range r.lines {
				chars += len(l.text)
			}
			r.heading = tall(b.lines[i]) && len(r.lines) <= 3 && chars <= 200
			if r.heading {
				levels = append(levels, roundHalf(minHeight(r.lines)))
			}
			runs = append(runs, r)
			i = j
		}
	}
	slices.Sort(levels)
	levels = slices.Compact(levels)
	slices.Reverse(levels)
	var out []block
	for _, r := range runs {
		texts := make([]string, len(r.lines))
		for i, l := range r.lines {
			texts[i] = l.text
		}
		if r.heading {
			lvl := min(slices.Index(levels, roundHalf(minHeight(r.lines)))+1, 6)
			out = append(out, block{level: lvl, text: oneLine(strings.Join(texts, " ")), page: r.page})
			continue
		}
		out = append(out, block{text: joinLines(texts), page: r.page})
	}
	return out
}

func minHeight(ls []bboxLine) float64 {
	m := ls[0].height
	for _, l := range ls[1:] {
		m = min(m, l.height)
	}
	return m
}

func roundHalf(f float64) float64 { return math.Round(f*2) / 2 }

// joinLines joins a paragraph's lines, rejoining a word hyphenated at a
// line's end when the next line goes on in lower case.
func joinLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if i > 0 {
			prev := b.String()
			next, _ := utf8.DecodeRuneInString(l)
			if strings.HasSuffix(prev, "-") && len(prev) > 1 && unicode.IsLetter(rune(prev[len(prev)-2])) && unicode.IsLower(next) {
				b.Reset()
				b.WriteString(strings.TrimSuffix(prev, "-"))
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return oneLine(b.String())
}
