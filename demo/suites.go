package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/suitebuild"
)

// sizes are the numbers of items and training data of a demo mode.
type sizes struct {
	facts, ood, general int // exam items (one per fact), ood and general items
	untaught            int // facts the exam never asks, withheld and taught nowhere (interference)
	review              int // facts outside every suite the base model is taught (review pool)
	known               float64
	pretrainTexts       int // general passages in pre-training
	instruct            int // definition examples in instruction tuning
	tuneEpochs          int // passes of instruction tuning
}

var (
	fullSizes  = sizes{facts: 200, untaught: 44, review: 30, ood: 100, general: 400, known: 0.2, pretrainTexts: 3000, instruct: 600, tuneEpochs: 20}
	quickSizes = sizes{facts: 16, untaught: 4, review: 4, ood: 8, general: 16, known: 0.2, pretrainTexts: 300, instruct: 120, tuneEpochs: 20}
)

// suiteSet are the demo suites plus what the base model is built from.
type suiteSet struct {
	suites []loop.Suite
	// known are the exam facts the base model may learn in pre-training;
	// withheld are the others.
	known, withheld []exam.Item
	// review are forward questions about facts outside every suite that
	// the base model reads in pre-training and is instruction tuned on:
	// items it already answers right, offered for review every round.
	review []exam.Item
	// reviewCollateral are the collateral facts retrieval finds for the
	// review facts (open items asked in no suite; see
	// suitebuild.Collateral), which mixed training may teach.
	reviewCollateral []exam.Item
	// instruct are the definition questions of instruction tuning (the
	// general suite is a subset).
	instruct []exam.Item
	// untaught are the facts of the interference suite: withheld from
	// the base model and asked by no exam item, so taught nowhere.
	untaught int
	// collateralFound counts the collateral probes retrieval supports;
	// collateralKept those with enough distractors to be asked.
	collateralFound, collateralKept int
}

// Familiarities of the demo's probes (exam.Item.Familiarity): the
// training status of a probe's gold answer and of its distractors, which
// are drawn from the same group (suitebuild.ProbeChoices).
const (
	famPretrained = "pretrained" // exam facts the base model read in pre-training
	famWithheld   = "withheld"   // exam facts withheld from the base model
	famUntaught   = "untaught"   // facts taught nowhere (interference)
)

// Suite names of the demo beyond the roles' own.
const interferenceSuite = "interference"

// sourcesK is the passages kept per query (sources.k) in the demo's
// runs; collateral probes are drawn from what retrieval finds with it.
const sourcesK = 3

// buildSuites makes the suites from the quiz items, WordNet passages and
// src (the index rounds retrieve from, searched for collateral probes).
func buildSuites(ctx context.Context, quiz []exam.Item, dict []knowledge.Passage, src knowledge.Source, sz sizes, seed uint64) (*suiteSet, error) {
	mc := suitebuild.MultipleChoice(quiz, 4, seed)
	forward := map[string]exam.Item{}
	open := map[string]exam.Item{} // open forward and reverse items by fact and variant
	var symbols []exam.Item
	for _, it := range quiz {
		if it.Relation == "capital" {
			open[it.Fact+"/"+it.Variant] = it
		}
	}
	for _, it := range mc {
		switch {
		case it.Relation == "capital" && it.Variant == exam.VariantForward:
			forward[it.Fact] = it
		case it.Relation == "chemical symbol" && it.Variant == exam.VariantForward:
			symbols = append(symbols, it)
		}
	}
	var facts []string
	for f := range forward {
		if _, ok := open[f+"/"+exam.VariantReverse]; ok {
			facts = append(facts, f)
		}
	}
	slices.Sort(facts)
	rng := rand.New(rand.NewPCG(seed, 0xde30))
	rng.Shuffle(len(facts), func(i, j int) { facts[i], facts[j] = facts[j], facts[i] })
	if len(facts) < sz.facts+sz.untaught+sz.review || len(symbols) < sz.ood {
		return nil, fmt.Errorf("demo: the quiz data has %d capital facts with both directions and %d element symbols; need %d and %d",
			len(facts), len(symbols), sz.facts+sz.untaught+sz.review, sz.ood)
	}
	untaught := facts[sz.facts : sz.facts+sz.untaught]
	review := facts[sz.facts+sz.untaught : sz.facts+sz.untaught+sz.review]
	rest := facts[sz.facts+sz.untaught+sz.review:]
	facts = facts[:sz.facts]
	s := &suiteSet{untaught: len(untaught)}
	var examItems, probes, interference []exam.Item
	nKnown := int(sz.known * float64(len(facts)))
	for i, f := range facts {
		fam := famWithheld
		if i < nKnown {
			s.known = append(s.known, forward[f])
			fam = famPretrained
		} else {
			s.withheld = append(s.withheld, forward[f])
		}
		q := open[f+"/"+exam.VariantForward]
		q.Familiarity = fam
		examItems = append(examItems, q)
		ps, err := factProbes(ctx, src, open[f+"/"+exam.VariantForward], open[f+"/"+exam.VariantReverse], forward[f])
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		for _, p := range ps {
			p.Familiarity = fam
			probes = append(probes, p)
			if p.Probe == exam.ProbeCollateral {
				s.collateralFound++
			}
		}
	}
	// Interference: forward and reverse questions about facts outside
	// the exam, whose knowledge is withheld from the base model too and
	// taught nowhere. Only interference can move them.
	for _, f := range untaught {
		for _, v := range []string{exam.VariantForward, exam.VariantReverse} {
			it := open[f+"/"+v]
			it.Probe, it.Familiarity = exam.ProbeInterference, famUntaught
			interference = append(interference, it)
		}
		s.withheld = append(s.withheld, forward[f])
	}
	for _, f := range review {
		s.review = append(s.review, forward[f])
	}
	slices.SortFunc(symbols, func(a, b exam.Item) int { return strings.Compare(a.ID, b.ID) })
	rng.Shuffle(len(symbols), func(i, j int) { symbols[i], symbols[j] = symbols[j], symbols[i] })
	s.instruct = definitionItems(dict, max(sz.instruct, sz.general), seed)
	if len(s.instruct) < sz.general {
		return nil, fmt.Errorf("demo: only %d definition questions could be made from WordNet; need %d", len(s.instruct), sz.general)
	}
	// Collateral facts of the capital facts in no suite lend their answers
	// to probes whose familiarity group is too small for distractors.
	var spare []exam.Item
	for i, f := range append(slices.Clip(review), rest...) {
		col, err := suitebuild.Collateral(ctx, src, sourcesK, forward[f])
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		spare = append(spare, col...)
		if i < len(review) {
			s.reviewCollateral = append(s.reviewCollateral, col...)
		}
	}
	// The exam's distractors, like the probes', are answers of exam facts
	// with the same training status as the gold (pre-trained or
	// withheld): drawn from every country, the base model's familiar
	// review and pre-trained answers pulled round 0 below chance.
	examMC := suitebuild.ProbeChoices(examItems, spare, 4, seed)
	heldout := suitebuild.ProbeChoices(probes, spare, 4, seed)
	for _, it := range heldout {
		if it.Probe == exam.ProbeCollateral {
			s.collateralKept++
		}
	}
	s.suites = []loop.Suite{
		{Name: "exam", Role: config.RoleExam, Items: examMC},
		{Name: "heldout", Role: config.RoleHeldout, Items: heldout},
		{Name: interferenceSuite, Role: config.RoleHeldout, Items: suitebuild.ProbeChoices(interference, nil, 4, seed)},
		{Name: "ood", Role: config.RoleOOD, Items: symbols[:sz.ood]},
		{Name: "general", Role: config.RoleGeneral, Items: s.instruct[:sz.general]},
	}
	return s, nil
}

// factProbes are the open probes of one exam fact: the paraphrase of
// its forward question, its reverse question and the collateral facts
// retrieval finds for the exam item (see suitebuild.Collateral).
func factProbes(ctx context.Context, src knowledge.Source, fwd, rev, examItem exam.Item) ([]exam.Item, error) {
	var out []exam.Item
	if p, ok := suitebuild.Paraphrase(fwd); ok {
		out = append(out, p)
	}
	rev.Probe, rev.About = exam.ProbeReverse, rev.Fact
	out = append(out, rev)
	col, err := suitebuild.Collateral(ctx, src, sourcesK, examItem)
	if err != nil {
		return nil, err
	}
	return append(out, col...), nil
}

// definitionItems makes multiple-choice questions 'What does "word"
// mean?' from WordNet noun passages, the distractors being other
// passages' glosses. Passages are chosen in a seeded order among single
// lower-case words with a short gloss.
func definitionItems(dict []knowledge.Passage, n int, seed uint64) []exam.Item {
	var pool []knowledge.Passage
	seen := map[string]bool{}
	for _, p := range dict {
		word := strings.TrimSpace(p.Title)
		if i := strings.IndexAny(word, ",;"); i >= 0 {
			word = strings.TrimSpace(word[:i])
		}
		gloss := gloss(p.Text)
		if p.Fields["pos"] != "noun" || word == "" || strings.ContainsAny(word, " _-'") || strings.ToLower(word) != word || seen[word] ||
			len(strings.Fields(gloss)) < 3 || len(strings.Fields(gloss)) > 12 {
			continue
		}
		seen[word] = true
		q := p
		q.Title, q.Text = word, gloss
		pool = append(pool, q)
	}
	rng := rand.New(rand.NewPCG(seed, 0xdef1))
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	pool = pool[:min(len(pool), n)]
	var items []exam.Item
	for i, p := range pool {
		choices := []string{p.Text}
		for k := 1; len(choices) < 4 && k < len(pool); k++ {
			choices = append(choices, pool[(i+k*7)%len(pool)].Text)
		}
		slices.Sort(choices[1:])
		choices = slices.Compact(choices)
		at := rng.IntN(len(choices))
		choices[0], choices[at] = choices[at], choices[0]
		items = append(items, exam.Item{ID: fmt.Sprintf("define-%s", p.Title), Question: fmt.Sprintf("What does %q mean?", p.Title),
			Choices: choices, Answer: exam.Answer{Index: at, Text: choices[at]}, Topic: "definition",
			Fact: "define/" + p.Title, Source: p.ID})
	}
	return items
}

// gloss returns the definition of a WordNet passage: the first line
// after "<lemmas> (<pos>): ", up to the first ';' (before the examples).
func gloss(text string) string {
	text, _, _ = strings.Cut(text, "\n")
	if _, after, ok := strings.Cut(text, "): "); ok {
		text = after
	}
	text, _, _ = strings.Cut(text, ";")
	return strings.TrimSpace(text)
}
