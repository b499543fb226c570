package curate

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Support keeps a candidate only when its passage (title and text, both
// normalised) names the claim's answer or one of its aliases, and at
// least one of the claim's key terms. Words match exactly or up to a
// plural "s"/"es" ("capital" matches "capitals"); multi-word answers and
// terms must appear as contiguous word sequences. A claim with no key
// terms is checked on the answer alone; a claim with no answer is
// rejected. The zero value is ready to use.
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
	if len(c.Claim.KeyTerms) == 0 {
		return ""
	}
	for _, t := range c.Claim.KeyTerms {
		tw := Words(t)
		if containsPhrase(words, tw) && !slices.ContainsFunc(answers, func(a []string) bool { return slices.Equal(a, tw) }) {
			return ""
		}
	}
	return fmt.Sprintf("names no key term of the question (%s)", strings.Join(c.Claim.KeyTerms, ", "))
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
