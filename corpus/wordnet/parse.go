package wordnet

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ParseError is a syntax error in a database file.
type ParseError struct {
	File string // base name of the file, e.g. "data.noun"
	Line int    // 1-based line number
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

// maxLine bounds one database line; the longest line of WordNet 3.0 is
// under 64 KiB.
const maxLine = 1 << 20

// ReadData parses a data.* file from r, calling fn for every synset in
// file order. name is used in error messages. Lines beginning with two
// spaces (the license header) are skipped. Parsing stops at the first
// syntax error, returned as a *ParseError, or at the first error from fn.
func ReadData(r io.Reader, name string, fn func(*Synset) error) error {
	return scanRecords(r, name, ParseDataLine, fn)
}

// scanRecords parses every non-header line of r with parse and hands the
// record to fn. Syntax errors become *ParseError values naming name and
// the line; fn's own errors are returned as they are.
func scanRecords[T any](r io.Reader, name string, parse func(string) (T, error), fn func(T) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, "  ") || strings.TrimSpace(text) == "" {
			continue
		}
		rec, err := parse(text)
		if err != nil {
			return &ParseError{File: name, Line: line, Err: err}
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &ParseError{File: name, Line: line + 1, Err: err}
	}
	return nil
}

// fields walks space-separated fields of a line.
type fields struct {
	rest string
}

// next returns the next field or "" at the end.
func (f *fields) next() string {
	f.rest = strings.TrimLeft(f.rest, " ")
	i := strings.IndexByte(f.rest, ' ')
	if i < 0 {
		s := f.rest
		f.rest = ""
		return s
	}
	s := f.rest[:i]
	f.rest = f.rest[i+1:]
	return s
}

// num parses the next field as an unsigned number in base, naming what
// in the error.
func (f *fields) num(base, bits int, what string) (int, error) {
	s := f.next()
	if s == "" {
		return 0, fmt.Errorf("missing %s", what)
	}
	n, err := strconv.ParseUint(s, base, bits)
	if err != nil {
		return 0, fmt.Errorf("bad %s %q", what, s)
	}
	return int(n), nil
}

// ParseDataLine parses one synset line of a data.* file:
//
//	offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt
//	[ptr...] [frames...] | gloss
//
// The error says which field is wrong, without file or line.
func ParseDataLine(line string) (*Synset, error) {
	body, gloss, ok := strings.Cut(line, "|")
	if !ok {
		return nil, errors.New("missing '|' before the gloss")
	}
	f := fields{rest: body}
	off, err := f.num(10, 32, "synset offset")
	if err != nil {
		return nil, err
	}
	lex, err := f.num(10, 8, "lexicographer file number")
	if err != nil {
		return nil, err
	}
	pos, ok := parsePOS(f.next())
	if !ok {
		return nil, errors.New("bad synset type")
	}
	s := &Synset{Offset: uint32(off), POS: pos, LexFileNum: lex, LexFile: LexFileName(lex)}
	if s.LexFile == "" {
		return nil, fmt.Errorf("unknown lexicographer file number %d", lex)
	}
	nw, err := f.num(16, 8, "word count")
	if err != nil {
		return nil, err
	}
	if nw == 0 {
		return nil, errors.New("synset has no words")
	}
	s.Words = make([]Word, 0, nw)
	s.Lemmas = make([]string, 0, nw)
	for i := range nw {
		w := f.next()
		if w == "" {
			return nil, fmt.Errorf("missing word %d of %d", i+1, nw)
		}
		id, err := f.num(16, 8, "lex_id")
		if err != nil {
			return nil, fmt.Errorf("word %d: %w", i+1, err)
		}
		word := Word{LexID: id}
		if pos == Adj || pos == AdjSat {
			if j := strings.IndexByte(w, '('); j > 0 && strings.HasSuffix(w, ")") {
				word.Marker = w[j+1 : len(w)-1]
				w = w[:j]
			}
		}
		word.Lemma = strings.ReplaceAll(w, "_", " ")
		s.Words = append(s.Words, word)
		s.Lemmas = append(s.Lemmas, word.Lemma)
	}
	np, err := f.num(10, 16, "pointer count")
	if err != nil {
		return nil, err
	}
	s.Pointers = make([]Pointer, 0, np)
	for i := range np {
		p, err := parsePointer(&f)
		if err != nil {
			return nil, fmt.Errorf("pointer %d of %d: %w", i+1, np, err)
		}
		s.Pointers = append(s.Pointers, p)
	}
	if pos == Verb {
		if s.Frames, err = parseFrames(&f); err != nil {
			return nil, err
		}
	}
	if rest := strings.TrimSpace(f.rest); rest != "" {
		return nil, fmt.Errorf("unexpected %q before the gloss", rest)
	}
	s.Gloss = strings.TrimSpace(gloss)
	s.Definition, s.Examples = SplitGloss(s.Gloss)
	return s, nil
}

// parsePointer parses "symbol offset pos source/target".
func parsePointer(f *fields) (Pointer, error) {
	sym := f.next()
	if sym == "" {
		return Pointer{}, errors.New("missing symbol")
	}
	off, err := f.num(10, 32, "target offset")
	if err != nil {
		return Pointer{}, err
	}
	pos, ok := parsePOS(f.next())
	if !ok {
		return Pointer{}, errors.New("bad target part of speech")
	}
	st := f.next()
	if len(st) != 4 {
		return Pointer{}, fmt.Errorf("bad source/target %q", st)
	}
	src, err1 := strconv.ParseUint(st[:2], 16, 8)
	dst, err2 := strconv.ParseUint(st[2:], 16, 8)
	if err1 != nil || err2 != nil {
		return Pointer{}, fmt.Errorf("bad source/target %q", st)
	}
	return Pointer{Symbol: sym, Target: Key{Offset: uint32(off), POS: pos},
		SourceWord: int(src), TargetWord: int(dst)}, nil
}

// parseFrames parses a verb's "f_cnt + f_num w_num ..." list.
func parseFrames(f *fields) ([]Frame, error) {
	n, err := f.num(10, 8, "frame count")
	if err != nil {
		return nil, err
	}
	frames := make([]Frame, 0, n)
	for i := range n {
		if f.next() != "+" {
			return nil, fmt.Errorf("frame %d of %d: missing '+'", i+1, n)
		}
		num, err := f.num(10, 8, "frame number")
		if err != nil {
			return nil, fmt.Errorf("frame %d of %d: %w", i+1, n, err)
		}
		w, err := f.num(16, 8, "frame word number")
		if err != nil {
			return nil, fmt.Errorf("frame %d of %d: %w", i+1, n, err)
		}
		frames = append(frames, Frame{Num: num, Word: w})
	}
	return frames, nil
}

// SplitGloss splits a gloss into its definition and its quoted usage
// examples: `French physicist; "she won twice"` gives "French physicist"
// and ["she won twice"]. Segments are separated by ";" outside quotes; a
// segment that starts with a double quote is an example, the rest are
// definition parts joined again with "; ".
func SplitGloss(gloss string) (definition string, examples []string) {
	var defs []string
	start, inQuote := 0, false
	flush := func(end int) {
		seg := strings.TrimSpace(gloss[start:end])
		start = end + 1
		if seg == "" {
			return
		}
		if seg[0] == '"' {
			if j := strings.LastIndexByte(seg, '"'); j > 0 {
				seg = seg[1:j] // drop a trailing attribution: "..." - Author
			} else {
				seg = seg[1:]
			}
			seg = strings.TrimSpace(seg)
			if seg != "" {
				examples = append(examples, seg)
			}
			return
		}
		defs = append(defs, seg)
	}
	for i := 0; i < len(gloss); i++ {
		switch gloss[i] {
		case '"':
			inQuote = !inQuote
		case ';':
			if !inQuote {
				flush(i)
			}
		}
	}
	flush(len(gloss))
	return strings.Join(defs, "; "), examples
}
