package dictd

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Entry is one line of a dictd index.
type Entry struct {
	Headword string // as written in the index (dictd folds case when looking up)
	Offset   int64  // byte offset of the entry text in the uncompressed .dict
	Length   int64  // byte length of the entry text
	Line     int    // 1-based line number in the index file
}

// ParseError is a malformed index line.
type ParseError struct {
	File string // file name as given to ParseIndex
	Line int    // 1-based line number
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// maxIndexLine bounds the length of an index line; dictd's own limit on a
// headword is far below it.
const maxIndexLine = 64 << 10

// ParseIndex reads a dictd index from r. name is the file name used in
// errors. Each non-empty line must hold a headword, an offset and a length
// separated by tabs (a fourth, optional field, the original headword
// written by dictfmt --allchars, is ignored). The first malformed line
// stops parsing with a *ParseError giving name and line; an empty line is
// an error too. Offsets and lengths are checked against overflow, not
// against a data file (Dict.Text does that).
func ParseIndex(r io.Reader, name string) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxIndexLine)
	var entries []Entry
	line := 0
	for sc.Scan() {
		line++
		e, msg := parseLine(sc.Bytes())
		if msg != "" {
			return entries, &ParseError{File: name, Line: line, Msg: msg}
		}
		e.Line = line
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return entries, &ParseError{File: name, Line: line + 1, Msg: err.Error()}
	}
	return entries, nil
}

// parseLine parses one index line; msg is non-empty when it is malformed.
func parseLine(b []byte) (e Entry, msg string) {
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return e, "empty line"
	}
	if !utf8.Valid(b) {
		return e, "headword is not valid UTF-8"
	}
	fields := strings.Split(string(b), "\t")
	if len(fields) < 3 || len(fields) > 4 {
		return e, fmt.Sprintf("want 3 tab-separated fields (headword, offset, length), got %d", len(fields))
	}
	if fields[0] == "" {
		return e, "empty headword"
	}
	off, err := DecodeNumber(fields[1])
	if err != nil {
		return e, "offset: " + err.Error()
	}
	n, err := DecodeNumber(fields[2])
	if err != nil {
		return e, "length: " + err.Error()
	}
	return Entry{Headword: fields[0], Offset: off, Length: n}, ""
}

// b64 maps a dictd base-64 digit to its value, or -1.
var b64 = func() (t [256]int8) {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(digits); i++ {
		t[digits[i]] = int8(i)
	}
	return t
}()

// DecodeNumber decodes a number written in dictd's base-64 digits
// (A-Z a-z 0-9 + /, most significant first). It fails on an empty string,
// a character outside the alphabet, or a value above 2^53.
func DecodeNumber(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty number")
	}
	var v int64
	for i := 0; i < len(s); i++ {
		d := b64[s[i]]
		if d < 0 {
			return 0, fmt.Errorf("%q is not a base-64 digit in %q", s[i], s)
		}
		if v > (1<<53)>>6 {
			return 0, fmt.Errorf("%q is too large", s)
		}
		v = v<<6 | int64(d)
	}
	return v, nil
}

// EncodeNumber writes v (>= 0) in dictd's base-64 digits; it is the
// inverse of DecodeNumber.
func EncodeNumber(v int64) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	if v <= 0 {
		return "A"
	}
	var buf [12]byte
	i := len(buf)
	for v > 0 {
		i--
		buf[i] = digits[v&63]
		v >>= 6
	}
	return string(buf[i:])
}
