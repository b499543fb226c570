package textnorm

import (
	"slices"
	"testing"
	"unicode"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in              string
		answer, passage string
	}{
		{"București", "bucuresti", "bucuresti"},
		{"BUCUREȘTI", "bucuresti", "bucuresti"},
		{"N‘Djamena", "ndjamena", "ndjamena"},
		{"N'Djamena", "ndjamena", "ndjamena"},
		{"N’Djamena", "ndjamena", "ndjamena"},
		{"Yaoundé", "yaounde", "yaounde"},
		{"Straße", "strasse", "strasse"},
		{"St. Louis", "st louis", "st louis"},
		{"U.S.", "us", "u s"},
		{"The Hague", "hague", "the hague"},
		{"  a  cat, an   owl!  ", "cat owl", "a cat an owl"},
		{"Chad.It was", "chadit was", "chad it was"},
		{"e\u0301te\u0301", "ete", "ete"}, // combining accents
		{"İstanbul", "istanbul", "istanbul"},
		{"", "", ""},
		{"...", "", ""},
		{"the", "", "the"},
	}
	for _, tt := range tests {
		if got := Answer.Normalize(tt.in); got != tt.answer {
			t.Errorf("Answer.Normalize(%q) = %q, want %q", tt.in, got, tt.answer)
		}
		if got := Passage.Normalize(tt.in); got != tt.passage {
			t.Errorf("Passage.Normalize(%q) = %q, want %q", tt.in, got, tt.passage)
		}
	}
}

func TestWords(t *testing.T) {
	if got, want := Passage.Words("São Tomé and Príncipe."), []string{"sao", "tome", "and", "principe"}; !slices.Equal(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}

// TestFoldTableASCII checks that every folded letter is a lower-case
// letter that folds to lower-case ASCII, and that its upper case (when
// it has one) folds the same way through Normalize.
func TestFoldTableASCII(t *testing.T) {
	for r, f := range foldTable {
		if !unicode.IsLower(r) {
			t.Errorf("%q in the fold table is not lower case", r)
		}
		for _, c := range f {
			if c < 'a' || c > 'z' {
				t.Errorf("%q folds to %q, not lower-case ASCII", r, f)
			}
		}
		if u := unicode.ToUpper(r); u != r && unicode.ToLower(u) == r {
			if got := Passage.Normalize(string(u)); got != f {
				t.Errorf("Normalize(%q) = %q, want %q", u, got, f)
			}
		}
	}
}
