// Package textnorm is the one text normaliser of cem: exam grading
// compares open answers with it and curation matches answers, key terms
// and exam items against passages with it. Both fold Latin accents,
// lower-case, and join apostrophes; they differ in two options (periods
// and articles), chosen in Answer and Passage.
package textnorm

import (
	"strings"
	"unicode"
)

// Options are the differences between the normalised forms.
type Options struct {
	// JoinPeriods drops "." so that it joins its neighbours ("St." ->
	// "st", "U.S." -> "us"); otherwise a period separates words like
	// other punctuation ("U.S." -> "u s").
	JoinPeriods bool
	// DropArticles removes the English articles "a", "an" and "the" as
	// words ("The Hague" -> "hague").
	DropArticles bool
}

// Answer is the form open exam answers are compared in. Answers are short
// names where the punctuation and articles of one writer are noise: "St.
// Louis" must match "St Louis" and "The Hague" must match "Hague", so
// periods join and articles go.
var Answer = Options{JoinPeriods: true, DropArticles: true}

// Passage is the form curation compares text in. Passages are running
// prose, where a period ends a sentence (joining it would glue "Chad.It"
// into one word) and articles are words of the n-grams that
// decontamination counts, so periods separate and articles stay.
var Passage = Options{}

// Normalize returns s in o's form: lower case, Latin accents folded (é ->
// e, ß -> ss, ș -> s: "București" -> "bucuresti"), combining accents and
// apostrophes (' ’ ‘ `) dropped so that they join the word ("N‘Djamena"
// -> "ndjamena"), periods as o says, every other run of characters that
// are neither letters nor digits turned into one space, articles dropped
// when o says so, and no leading or trailing space.
func (o Options) Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading and repeated spaces
	for _, r := range s {
		switch {
		case isApostrophe(r) || unicode.Is(unicode.Mn, r) || (r == '.' && o.JoinPeriods):
			continue
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
	out := strings.TrimSuffix(b.String(), " ")
	if !o.DropArticles {
		return out
	}
	words := strings.Fields(out)
	kept := words[:0]
	for _, w := range words {
		if w != "a" && w != "an" && w != "the" {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// Words returns the words of o.Normalize(s).
func (o Options) Words(s string) []string { return strings.Fields(o.Normalize(s)) }

// Fold returns the ASCII letters the lower-case letter r folds to ("e"
// for 'é', "ss" for 'ß') and true, or "" and false when r is not folded.
func Fold(r rune) (string, bool) {
	f, ok := foldTable[r]
	return f, ok
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u2018' || r == '`'
}

// foldTable maps lower-case accented Latin letters to ASCII.
var foldTable = func() map[rune]string {
	groups := []struct{ base, letters string }{
		{"a", "àáâãäåāăą"}, {"ae", "æ"}, {"c", "çćĉċč"}, {"d", "ďđð"},
		{"e", "èéêëēĕėęě"}, {"g", "ĝğġģ"}, {"h", "ĥħ"}, {"i", "ìíîïĩīĭįı"},
		{"j", "ĵ"}, {"k", "ķ"}, {"l", "ĺļľŀł"}, {"n", "ñńņňŉ"},
		{"o", "òóôõöøōŏő"}, {"oe", "œ"}, {"r", "ŕŗř"}, {"s", "śŝşšș"},
		{"ss", "ß"}, {"t", "ţťŧț"}, {"u", "ùúûüũūŭůűų"}, {"w", "ŵ"},
		{"y", "ýÿŷ"}, {"z", "źżž"}, {"th", "þ"},
	}
	m := map[rune]string{}
	for _, g := range groups {
		for _, r := range g.letters {
			m[r] = g.base
		}
	}
	return m
}()
