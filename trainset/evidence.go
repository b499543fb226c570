package trainset

import (
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/mistake"
)

// Evidence is one curated passage with the mined item it supports.
type Evidence struct {
	Passage knowledge.Passage `json:"passage"`
	// Item is the mined exam item the passage was retrieved for; its
	// question is never copied into training, but its subject, relation,
	// topic and choices shape the generated questions.
	Item     exam.Item `json:"item"`
	Answer   string    `json:"answer"`
	Aliases  []string  `json:"aliases,omitempty"`
	KeyTerms []string  `json:"key_terms,omitempty"`
}

// FromCandidates joins curated candidates with the mistakes they were
// retrieved for (by item id). Candidates of unknown items are skipped.
// The answer, aliases and key terms come from the candidate's claim,
// falling back to the item's gold answer and aliases.
func FromCandidates(cands []curate.Candidate, ms []mistake.Mistake) []Evidence {
	items := map[string]exam.Item{}
	for _, m := range ms {
		items[m.Item.ID] = m.Item
	}
	var out []Evidence
	for _, c := range cands {
		it, ok := items[c.Claim.ItemID]
		if !ok {
			continue
		}
		ev := Evidence{Passage: c.Passage, Item: it, Answer: c.Claim.Answer, Aliases: c.Claim.Aliases, KeyTerms: c.Claim.KeyTerms}
		if ev.Answer == "" {
			ev.Answer = mistake.AnswerText(it)
		}
		if ev.Aliases == nil {
			ev.Aliases = it.Aliases
		}
		out = append(out, ev)
	}
	return out
}
