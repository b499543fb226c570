package serve

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// tokenText is a token's bytes as JSON can carry them: each byte that is
// not part of a valid UTF-8 character (a token that splits a character)
// becomes U+FFFD, one per byte, as encoding/json would write it. The
// exact bytes go in the bytes fields of the chat schema.
func tokenText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// tokenBytes is the bytes field of the chat schema: the token's bytes as
// integers (never null, so clients can join them).
func tokenBytes(s string) []int {
	out := make([]int, len(s))
	for i := range len(s) {
		out[i] = int(s[i])
	}
	return out
}

// charOffsets maps every byte offset of text (0..len(text)) to the
// character offset of the character holding that byte: a token that
// starts inside a multi-byte character gets the character's offset, and
// an invalid byte counts as one character (as utf8.RuneCountInString and
// the U+FFFD of tokenText count it).
func charOffsets(text string) []int {
	out := make([]int, len(text)+1)
	c := 0
	for i := 0; i < len(text); {
		_, n := utf8.DecodeRuneInString(text[i:])
		for k := range n {
			out[i+k] = c
		}
		i += n
		c++
	}
	out[len(text)] = c
	return out
}

// finite reports whether a token has a usable log-probability.
func finite(t Token) bool {
	return t.HasLogProb && !math.IsNaN(t.LogProb) && !math.IsInf(t.LogProb, 0)
}

// legacyLogprobs reports the tokens of g starting at byte offset from, with
// offsets counted in characters (Unicode code points) of prompt+text, as
// OpenAI and vLLM do. top_logprobs holds the engine's top alternatives,
// at most top of them, and the chosen token.
func legacyLogprobs(g generation, from, top int) *logprobs {
	full := g.prompt + g.text
	chars := charOffsets(full)
	lp := &logprobs{
		Tokens:        []string{},
		TokenLogprobs: []*float64{},
		TopLogprobs:   []map[string]float64{},
		TextOffset:    []int{},
	}
	for _, t := range g.tokens {
		if t.Offset < from {
			continue
		}
		lp.Tokens = append(lp.Tokens, tokenText(t.Text))
		lp.TextOffset = append(lp.TextOffset, chars[t.Offset])
		if !finite(t) {
			lp.TokenLogprobs = append(lp.TokenLogprobs, nil)
			lp.TopLogprobs = append(lp.TopLogprobs, nil)
			continue
		}
		lp.TokenLogprobs = append(lp.TokenLogprobs, ptr(t.LogProb))
		alts := map[string]float64{}
		for _, a := range t.Top[:min(top, len(t.Top))] {
			alts[altKey(a.Text)] = a.LogProb
		}
		delete(alts, altKey(t.Text))
		alts[tokenText(t.Text)] = t.LogProb // under the text tokens[] has
		lp.TopLogprobs = append(lp.TopLogprobs, alts)
	}
	return lp
}

// altKey is a top_logprobs key: the token's text, or for bytes that are
// not valid UTF-8 "bytes:" and their escapes ("bytes:\\xc3"), as OpenAI
// writes them, so that alternatives splitting characters stay distinct.
func altKey(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.WriteString("bytes:")
	for i := range len(s) {
		fmt.Fprintf(&b, "\\x%02x", s[i])
	}
	return b.String()
}

// chatLogprobs is the chat schema's logprobs of g's generated tokens
// (those at or after the end of the prompt), each with at most top
// alternatives.
func chatLogprobs(g generation, top int) *chatLogprobBlock {
	out := &chatLogprobBlock{Content: []chatTokenLogprob{}}
	for _, t := range g.tokens {
		if t.Offset < len(g.prompt) || !finite(t) {
			continue
		}
		c := chatTokenLogprob{chatTopLogprob: chatTopLogprob{Token: tokenText(t.Text), Logprob: t.LogProb, Bytes: tokenBytes(t.Text)},
			TopLogprobs: []chatTopLogprob{}}
		for _, a := range t.Top[:min(top, len(t.Top))] {
			c.TopLogprobs = append(c.TopLogprobs, chatTopLogprob{Token: tokenText(a.Text), Logprob: a.LogProb, Bytes: tokenBytes(a.Text)})
		}
		if top > 0 && len(t.Top) == 0 { // an engine without alternatives: the chosen token
			c.TopLogprobs = append(c.TopLogprobs, c.chatTopLogprob)
		}
		out.Content = append(out.Content, c)
	}
	return out
}
