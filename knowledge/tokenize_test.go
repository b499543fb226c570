package knowledge

import (
	"slices"
	"testing"
)

func TestTokenizer(t *testing.T) {
	tests := []struct {
		text string
		stem bool
		want []string
	}{
		{"What is the capital of Chad?", false, []string{"capital", "chad"}},
		{"N'Djamena, Ndjamena, Fort-Lamy", false, []string{"n", "djamena", "ndjamena", "fort", "lamy"}},
		{"Brasília São Tomé Zürich Œuvre Straße", false, []string{"brasilia", "sao", "tome", "zurich", "oeuvre", "strasse"}},
		{"cities capitals glasses bus series hoes", true, []string{"city", "capital", "glasse", "bus", "sery", "hoe"}},
		{"cities capitals", false, []string{"cities", "capitals"}},
		{"Ελλάδα 北京 1913", false, []string{"ελλάδα", "北京", "1913"}},
		{"", false, nil},
	}
	for _, tt := range tests {
		got := Tokenizer{Stem: tt.stem}.Terms(tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Terms(%q, stem=%v) = %q; want %q", tt.text, tt.stem, got, tt.want)
		}
	}
}
