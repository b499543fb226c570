package curate

import (
	"strings"
	"unicode"
)

// foldTable maps accented Latin letters to their base letters.
var foldTable = func() map[rune]string {
	groups := map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđð", "e": "èéêëēĕėęě",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ",
		"l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő", "r": "ŕŗř",
		"s": "śŝşš", "t": "ţťŧ", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ",
		"z": "źżž", "ae": "æ", "oe": "œ", "ss": "ß", "th": "þ",
	}
	m := map[rune]string{}
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// Normalize returns s lower-cased, with accents folded (é -> e, ß -> ss),
// apostrophes and combining accents removed (N'Djamena -> ndjamena), every other run of
// non-letters and non-digits turned into one space, and no leading or
// trailing space. All text comparisons in this package use it.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading space
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`' || unicode.Is(unicode.Mn, r):
			continue // apostrophes and combining accents join the word
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if f, ok := foldTable[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// Words returns the words of Normalize(s).
func Words(s string) []string { return strings.Fields(Normalize(s)) }

// wordMatch reports whether passage word w matches term word t, allowing
// a plural "s" or "es" on either side ("capital" ~ "capitals").
func wordMatch(w, t string) bool {
	if w == t {
		return true
	}
	for _, suf := range []string{"s", "es"} {
		if w == t+suf || t == w+suf {
			return true
		}
	}
	return false
}

// containsPhrase reports whether the word sequence phrase occurs in words,
// matching word by word with wordMatch. An empty phrase never matches.
func containsPhrase(words, phrase []string) bool {
	if len(phrase) == 0 || len(phrase) > len(words) {
		return false
	}
outer:
	for i := 0; i+len(phrase) <= len(words); i++ {
		for j, p := range phrase {
			if !wordMatch(words[i+j], p) {
				continue outer
			}
		}
		return true
	}
	return false
}
