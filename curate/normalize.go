package curate

import "github.com/cemlab/cem/internal/textnorm"

// Normalize returns s in the form all text comparisons in this package
// use, textnorm.Passage: lower-cased, with accents folded (é -> e, ß ->
// ss, ș -> s), apostrophes and combining accents removed (N‘Djamena ->
// ndjamena), every other run of non-letters and non-digits (periods
// included) turned into one space, and no leading or trailing space.
// Unlike exam.Normalize it keeps articles and splits at periods.
func Normalize(s string) string { return textnorm.Passage.Normalize(s) }

// Words returns the words of Normalize(s).
func Words(s string) []string { return textnorm.Passage.Words(s) }

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
