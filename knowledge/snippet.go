package knowledge

import (
	"strings"
	"unicode/utf8"
)

// Snippet returns about width bytes of text around the first place a
// query term occurs (or its start), on one line, with "…" marking cuts.
// Matching is on the tokenised form, so it ignores case and accents.
func Snippet(text, query string, width int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= width {
		return text
	}
	want := map[string]bool{}
	for _, t := range (Tokenizer{}).Terms(query) {
		want[t] = true
	}
	at := 0
	pos := 0
	found := false
	tok := Tokenizer{}
	for _, w := range strings.Split(text, " ") {
		tok.Each(w, func(t []byte) {
			if !found && want[string(t)] {
				found, at = true, pos
			}
		})
		if found {
			break
		}
		pos += len(w) + 1
	}
	start := max(0, at-width/4)
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	end := min(len(text), start+width)
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	s := text[start:end]
	if start > 0 {
		s = "…" + s
	}
	if end < len(text) {
		s += "…"
	}
	return s
}
