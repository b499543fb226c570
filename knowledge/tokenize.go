package knowledge

import (
	"unicode"
	"unicode/utf8"
)

// Tokenizer splits text into search terms: runs of Unicode letters and
// digits, lower-cased, with Latin diacritics folded to ASCII ("Brasília"
// -> "brasilia"), stopwords dropped and, when Stem is set, a light
// English plural stemmer applied. Index and queries must use the same
// settings; the index file records them.
type Tokenizer struct {
	// Stem applies the S-stemmer (Harman 1991): "cities" -> "city",
	// "capitals" -> "capital", "glasses" unchanged.
	Stem bool
}

// maxTermLen caps a term's length in bytes; longer runs are cut.
const maxTermLen = 64

// stopwords is a short list of English function words that carry no
// topic. It is kept small on purpose: BM25's IDF already discounts common
// words, and a long list would drop words such as "us" or "will".
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"a", "an", "and", "are", "as", "at", "be", "by", "for", "from",
		"has", "have", "in", "into", "is", "it", "its", "of", "on", "or",
		"that", "the", "this", "to", "was", "were", "what", "which", "who",
		"with", "whose", "how", "does", "do", "did",
		"s", // of "Chad's" and "U.S.": in nearly every passage, no topic
	} {
		m[w] = true
	}
	return m
}()

// IsStopword reports whether the lower-case term t is dropped.
func IsStopword(t string) bool { return stopwords[t] }

// foldLatin maps runes U+00C0..U+024F to an ASCII letter ('.' keeps the
// rune, '*' looks it up in foldLatinWide). Built from the Unicode
// canonical decompositions of those runes.
const foldLatin = "aaaaaa*ceeeeiiiidnooooo.ouuuuy**aaaaaa*ceeeeiiiidnooooo.ouuuuy*y" +
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkkkllllllllllnnnnnnn..oooooo**" +
	"rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzsb.........................l.....oo......" +
	".......uu............................aaiioouuuuuuuuuu.aaaa....ggkkoooo..j...gg..nnaa" +
	"....aaaaeeeeiiiioooorrrruuuusstt..hh......aaeeooooooooyy............................"

var foldLatinWide = map[rune]string{0xC6: "ae", 0xDE: "th", 0xDF: "ss", 0xE6: "ae", 0xFE: "th", 0x152: "oe", 0x153: "oe"}

// Each calls fn for every term of text in order. The slice passed to fn
// is reused after fn returns; copy it to keep it.
func (t Tokenizer) Each(text string, fn func(term []byte)) {
	var buf [maxTermLen + 4]byte
	n := 0
	flush := func() {
		if n == 0 {
			return
		}
		term := buf[:n]
		n = 0
		if stopwords[string(term)] {
			return
		}
		if t.Stem {
			term = stemS(term)
		}
		fn(term)
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				flush()
				continue
			}
			if n < maxTermLen {
				buf[n] = c
				n++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
			flush()
			continue
		}
		if unicode.Is(unicode.Mn, r) { // combining accent: drop
			continue
		}
		if r >= 0xC0 && r < 0x250 {
			if f := foldLatin[r-0xC0]; f != '.' {
				s := string(f)
				if f == '*' {
					s = foldLatinWide[r]
				}
				if n+len(s) <= maxTermLen {
					n += copy(buf[n:], s)
				}
				continue
			}
		}
		r = unicode.ToLower(r)
		if n+utf8.RuneLen(r) <= maxTermLen {
			n += utf8.EncodeRune(buf[n:], r)
		}
	}
	flush()
}

// Terms returns the terms of text as strings (convenient, allocating).
func (t Tokenizer) Terms(text string) []string {
	var out []string
	t.Each(text, func(term []byte) { out = append(out, string(term)) })
	return out
}

// stemS is Harman's S-stemmer: "ies" -> "y" (not "eies", "aies"), "es" ->
// "e" (not "aes", "ees", "oes"), "s" -> "" (not "us", "ss"). It edits b
// in place and returns the shortened slice. Words of three bytes or fewer
// are left alone.
func stemS(b []byte) []byte {
	n := len(b)
	if n <= 3 || b[n-1] != 's' {
		return b
	}
	switch {
	case b[n-3] == 'i' && b[n-2] == 'e' && b[n-4] != 'e' && b[n-4] != 'a':
		b[n-3] = 'y'
		return b[:n-2]
	case b[n-2] == 'e' && b[n-3] != 'a' && b[n-3] != 'e' && b[n-3] != 'o':
		return b[:n-1]
	case b[n-2] != 'u' && b[n-2] != 's':
		return b[:n-1]
	}
	return b
}
