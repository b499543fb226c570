package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// class is a pre-tokenizer character class.
type class uint8

const (
	classNone   class = iota // past the end of the text
	classOther               // not whitespace, letter or number; also invalid UTF-8
	classSpace               // Unicode White_Space
	classLetter              // \p{L}
	classNumber              // \p{N}
)

// asciiClass holds the class of every ASCII byte.
var asciiClass = func() [utf8.RuneSelf]class {
	var t [utf8.RuneSelf]class
	for b := range utf8.RuneSelf {
		t[b] = runeClass(rune(b))
	}
	return t
}()

// CJK Unified Ideographs Extension I (Lo), new in Unicode 15.1: letters
// in llama.cpp's tables, unassigned in Go's Unicode 15.0 tables.
const extIFirst, extILast = 0x2EBF0, 0x2EE5D

func runeClass(r rune) class {
	switch {
	case r >= extIFirst && r <= extILast:
		return classLetter
	case unicode.IsSpace(r):
		return classSpace
	case unicode.IsLetter(r):
		return classLetter
	case unicode.IsNumber(r):
		return classNumber
	}
	return classOther
}

// classAt returns the class of the character starting at byte i of s and
// its width in bytes. Past the end it returns (classNone, 0); an invalid
// UTF-8 byte is (classOther, 1).
func classAt(s string, i int) (class, int) {
	if i >= len(s) {
		return classNone, 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && w == 1 {
		return classOther, 1
	}
	return runeClass(r), w
}

// nextWord returns the end of the pre-token that starts at byte i of s
// (i < len(s)). It implements the GPT-2 pattern
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// with leftmost-first alternation, exactly as llama.cpp's custom GPT-2
// splitter does.
func nextWord(s string, i int) int {
	c := s[i]
	if c == '\'' && i+1 < len(s) {
		switch s[i+1] {
		case 's', 't', 'm', 'd':
			return i + 2
		case 'r', 'v':
			if i+2 < len(s) && s[i+2] == 'e' {
				return i + 3
			}
		case 'l':
			if i+2 < len(s) && s[i+2] == 'l' {
				return i + 3
			}
		}
	}
	// " ?X+" for X in letters, numbers, others: an optional leading space
	// binds to the run that follows it.
	j := i
	cls, w := classAt(s, i)
	if c == ' ' {
		j = i + 1
		cls, w = classAt(s, j)
	}
	switch cls {
	case classLetter, classNumber, classOther:
		for {
			j += w
			var next class
			next, w = classAt(s, j)
			if next != cls {
				return j
			}
		}
	}
	// Whitespace: \s+(?!\S) takes the run but its last character when a
	// non-space follows; otherwise \s+ takes the whole run.
	j, last := i, i
	for {
		cls, w := classAt(s, j)
		if cls != classSpace {
			break
		}
		last = j
		j += w
	}
	if j < len(s) && last > i {
		return last
	}
	if j > i {
		return j
	}
	_, w = classAt(s, i) // unreachable for valid input; never loop forever
	return i + max(w, 1)
}

// Words splits s into its pre-tokens, in order; their concatenation is s.
// It is exported for tests and tools that compare splits with other
// implementations.
func Words(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := nextWord(s, i)
		out = append(out, s[i:j])
		i = j
	}
	return out
}
