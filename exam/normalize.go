package exam

import "github.com/cemlab/cem/internal/textnorm"

// Normalize maps an answer to the form open answers are compared in,
// textnorm.Answer: Latin accents folded ("Yaoundé" -> "yaounde",
// "București" -> "bucuresti"), lower case, apostrophes and periods dropped
// ("N‘Djamena" -> "ndjamena", "St." -> "st"), other punctuation and
// symbols turned into spaces, the articles "a", "an" and "the" removed as
// words, and runs of spaces collapsed. Two answers match when their
// normalised forms are equal and not empty.
func Normalize(s string) string { return textnorm.Answer.Normalize(s) }

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
