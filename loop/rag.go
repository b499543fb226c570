package loop

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/mistake"
)

// ragRound is round 1 of a rag baseline run (config.BaselineRAG): no
// training. Every item of every suite is planned and searched for as if
// mined, but asked blind (see ragAsked: question only, no gold answer or
// structured fields), and the round-0 model is examined once more with
// each item's best retrieved passages as its prompt's Context (see
// withContexts). The round's queries and retrieval are its artifacts as
// in a CEM round, the gate judges it on the same limits, and it counts no
// mistakes and no training tokens. The model in force stays the base.
func ragRound(ctx context.Context, st *stepper, opts Options, suites []Suite, s *state) error {
	const r = 1
	cfg := opts.Config
	cands, _, err := searchStep(ctx, st, opts, r, ragAsked(suites), config.BaselineRAG, s.suitesHash)
	if err != nil {
		return err
	}
	answers, _, err := examStep(ctx, st, opts, withContexts(suites, cands, cfg.RAG), r, s.ref, s.refHash)
	if err != nil {
		return err
	}
	m := roundMetrics(r, suites, s, answers, nil, trainStats{tokens: opts.Workers.Tokens})
	m.Model = relRef(s.ref, opts.Dir)
	m.Gate = gate(cfg.Gate, m)
	if m.Gate.Accepted {
		s.answers = answers
	}
	s.history = append(s.history, s.answers)
	s.mined = append(s.mined, nil)
	return s.finishRound(ctx, st, opts, m, answers)
}

// ragAsked returns every item of suites as a blind "mistake" to plan
// queries for: its ID is itemKey(suite, id) (ids may repeat across
// suites), and it keeps only the question and choices, so that no query
// holds the gold answer or the structured fact (an exam taker knows
// neither).
func ragAsked(suites []Suite) []mistake.Mistake {
	var out []mistake.Mistake
	for _, su := range suites {
		for _, it := range su.Items {
			blind := exam.Item{ID: itemKey(su.Name, it.ID), Question: it.Question, Choices: it.Choices,
				Answer: exam.Answer{Index: -1}, Topic: it.Topic}
			out = append(out, mistake.Mistake{Item: blind, Suite: su.Name, Priority: 1})
		}
	}
	return out
}

// withContexts returns copies of suites whose items carry, as Context,
// their best rc.Passages distinct passages among cands (by retrieval
// score, ties by passage id), each "title: text", joined and cut to
// rc.Words words in all. Items nothing was found for are asked as they
// are.
func withContexts(suites []Suite, cands []curate.Candidate, rc config.RAGConfig) []Suite {
	byItem := map[string][]curate.Candidate{}
	for _, c := range cands {
		byItem[c.MistakeID] = append(byItem[c.MistakeID], c)
	}
	out := make([]Suite, len(suites))
	for i, su := range suites {
		out[i] = su
		out[i].Items = slices.Clone(su.Items)
		for j := range out[i].Items {
			it := &out[i].Items[j]
			it.Context = ragContext(byItem[itemKey(su.Name, it.ID)], rc)
		}
	}
	return out
}

// ragContext joins the best passages of cs as withContexts describes.
func ragContext(cs []curate.Candidate, rc config.RAGConfig) string {
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b curate.Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID))
	})
	var words []string
	seen := map[string]bool{}
	for _, c := range cs {
		if len(seen) >= rc.Passages {
			break
		}
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		text := c.Text
		if c.Title != "" && !strings.HasPrefix(text, c.Title) {
			text = c.Title + ": " + text
		}
		words = append(words, strings.Fields(text)...)
	}
	if rc.Words > 0 && len(words) > rc.Words {
		words = words[:rc.Words]
	}
	return strings.Join(words, " ")
}
