package curate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Support keeps a candidate only when its passage (title and text, both
// normalised) names the claim's answer or one of its aliases and the
// claim's key terms: every name among them (the claim's Subject, the
// item's structured subject such as "helium", and every capitalised term
// such as "Chad") and, when the claim has other terms ("capital"), at
// least one of those, or half of them (rounded up) when the claim names
// nothing ("What is the full official name of ...?" with the country
// inside the answer leaves "full" and "official"; neither is a name). A
// passage naming the answer plus one generic word ("N'Djamena, a capital
// on the Chari") does not support "What is the capital of Chad?". Words match exactly or up to a plural "s"/"es"
// ("capital" matches "capitals"); a term must appear as a contiguous word
// sequence, except that a name of several words ("Rep. Congo") is present
// when each of its words of four letters or more is. Terms equal to an
// answer are ignored. A claim with no key terms is checked on the answer
// alone; a claim with no answer is rejected. The zero value is ready to
// use.
type Support struct{}

// Name is "support".
func (Support) Name() string { return "support" }

// Apply rejects the candidates that do not support their claim.
func (s Support) Apply(_ context.Context, in []Candidate) (Result, error) {
	return each(s.Name(), in, func(c *Candidate) (string, []Event) {
		return supportReason(c), nil
	}), nil
}

func supportReason(c *Candidate) string {
	words := Words(c.Passage.Title + " \n " + c.Passage.Text)
	answers := answerPhrases(c.Claim)
	if len(answers) == 0 {
		return "claim has no answer to look for"
	}
	if !mentionsAny(words, answers) {
		return fmt.Sprintf("does not name the answer %q or an alias", c.Claim.Answer)
	}
	var missing []string
	names, others, found := 0, 0, 0
	for _, t := range c.Claim.KeyTerms {
		tw := Words(t)
		if len(tw) == 0 || slices.ContainsFunc(answers, func(a []string) bool { return slices.Equal(a, tw) }) {
			continue
		}
		if isName(t) || (c.Claim.Subject != "" && strings.EqualFold(t, c.Claim.Subject)) {
			names++
			if !containsName(words, tw) {
				missing = append(missing, t)
			}
			continue
		}
		others++
		if containsPhrase(words, tw) {
			found++
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("does not name %s of the question (key terms %s)", strings.Join(missing, ", "), strings.Join(c.Claim.KeyTerms, ", "))
	}
	need := min(others, 1)
	if names == 0 {
		need = (others + 1) / 2
	}
	if found < need {
		if need == 1 {
			return fmt.Sprintf("names no other key term of the question (%s)", strings.Join(c.Claim.KeyTerms, ", "))
		}
		return fmt.Sprintf("names %d of the question's key terms (%s), needs %d", found, strings.Join(c.Claim.KeyTerms, ", "), need)
	}
	return ""
}

// isName reports whether a key term is a name: it starts with an upper-case letter.
func isName(t string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(t))
	return unicode.IsUpper(r)
}

// containsName reports whether words holds the name tw: as a contiguous
// phrase or, for several words, each word of 4 letters or more anywhere (so "Rep." may abbreviate).
func containsName(words, tw []string) bool {
	if containsPhrase(words, tw) {
		return true
	}
	if len(tw) < 2 {
		return false
	}
	found := false
	for _, w := range tw {
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		if !containsPhrase(words, []string{w}) {
			return false
		}
		found = true
	}
	return found
}

// answerPhrases returns the normalised answer and aliases, without empty
// or repeated ones.
func answerPhrases(cl Claim) [][]string {
	var out [][]string
	for _, a := range append([]string{cl.Answer}, cl.Aliases...) {
		w := Words(a)
		if len(w) == 0 || slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, w) }) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func mentionsAny(words []string, phrases [][]string) bool {
	for _, p := range phrases {
		if containsPhrase(words, p) {
			return true
		}
	}
	return false
}
