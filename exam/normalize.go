package exam

import (
	"strings"
	"unicode"
)

// Normalize maps an answer to the form open answers are compared in:
// Latin accents folded ("Yaoundé" -> "yaounde"), lower case, apostrophes
// and periods dropped ("N'Djamena" -> "ndjamena", "St." -> "st"), other
// punctuation and symbols turned into spaces, the articles "a", "an" and
// "the" removed as words, and runs of spaces collapsed. Two answers match
// when their normalised forms are equal and not empty.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		switch {
		case r == '\'' || r == '.' || r == '\u2019' || r == '`':
			// dropped: joins the word
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
			// combining accent: dropped
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	out := words[:0]
	for _, w := range words {
		if w != "a" && w != "an" && w != "the" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// foldTable maps accented Latin letters to lower-case ASCII.
var foldTable = func() map[rune]string {
	m := map[rune]string{}
	groups := []struct{ base, letters string }{
		{"a", "àáâãäåāăąÀÁÂÃÄÅĀĂĄ"}, {"ae", "æÆ"}, {"c", "çćĉċčÇĆĈĊČ"},
		{"d", "ďđðĎĐÐ"}, {"e", "èéêëēĕėęěÈÉÊËĒĔĖĘĚ"}, {"g", "ĝğġģĜĞĠĢ"},
		{"h", "ĥħĤĦ"}, {"i", "ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ"}, {"j", "ĵĴ"}, {"k", "ķĶ"},
		{"l", "ĺļľŀłĹĻĽĿŁ"}, {"n", "ñńņňÑŃŅŇ"}, {"o", "òóôõöøōŏőÒÓÔÕÖØŌŎŐ"},
		{"oe", "œŒ"}, {"r", "ŕŗřŔŖŘ"}, {"s", "śŝşšȘșŚŜŞŠ"}, {"ss", "ß"},
		{"t", "ţťŧȚțŢŤŦ"}, {"u", "ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ"}, {"w", "ŵŴ"},
		{"y", "ýÿŷÝŸŶ"}, {"z", "źżžŹŻŽ"}, {"th", "þÞ"},
	}
	for _, g := range groups {
		for _, r := range g.letters {
			m[r] = g.base
		}
	}
	return m
}()

// MatchOpen reports whether pred matches the item's answer or one of its
// aliases after Normalize.
func MatchOpen(pred string, it *Item) bool {
	p := Normalize(pred)
	if p == "" {
		return false
	}
	for _, g := range it.Golds() {
		if Normalize(g) == p {
			return true
		}
	}
	return false
}
