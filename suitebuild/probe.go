package suitebuild

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/mistake"
)

// paraphrases are the probe wordings per relation ({s} the subject).
// They are worded unlike every question a training writer produces
// (trainset's templates and cloze, the quiz, WordNet and Factbook
// builders' questions), so a probe asks the fact in a form training
// never used; TestParaphraseUnlikeTraining checks it. A relation without
// a wording here gets no paraphrase: a generic one ("the young of of
// kitten") reads worse than none.
var paraphrases = map[string]string{
	"capital":             "{s} is governed from which city?",
	"chemical symbol":     "In formulas, which letters abbreviate {s}?",
	"atomic number":       "Counting protons, which number belongs to {s}?",
	"currency":            "People in {s} pay with which money?",
	"postal abbreviation": "Mail to {s} is marked with which two letters?",
	"state flower":        "Which bloom did {s} adopt as its emblem?",
	"vice president":      "{s} served alongside which deputy?",
	"latin meaning":       "Translate the Latin {s} into English.",
	"flower meaning":      "Giving someone {s} sends which message?",
}

// Paraphrase returns the paraphrase probe of a forward item with a
// Subject and Relation whose answer is its Object: the same fact asked in the same direction in a
// wording no training writer produces (see paraphrases; relations
// without a wording give none), as an open item
// with the item's answer and aliases, ID "<id>-para", Probe paraphrase
// and About the item's Fact. ok is false for other items.
func Paraphrase(it exam.Item) (exam.Item, bool) {
	if it.Subject == "" || it.Relation == "" || (it.Variant != "" && it.Variant != exam.VariantForward) || !sameAnswer(mistake.AnswerText(it), it.Object) {
		return exam.Item{}, false
	}
	tpl, ok := paraphrases[it.Relation]
	if !ok {
		return exam.Item{}, false
	}
	q := strings.ReplaceAll(tpl, "{s}", it.Subject)
	p := ask(it, strings.TrimSuffix(it.ID, mcSuffix(len(it.Choices)))+"-para", exam.VariantForward, q, mistake.AnswerText(it), it.Aliases)
	p.Choices, p.Probe, p.About = nil, exam.ProbeParaphrase, it.Fact
	return p, true
}

// Collateral returns collateral probes of exam item it: other facts
// about its Subject stated in the passages retrieval finds for it, that
// is the hits of the heuristic extractor's queries (mistake.Points, as a
// round plans them) searched in src with k passages each. From those
// passages it asks, as open items with Probe collateral and About the
// item's Fact:
//
//   - a WordNet passage whose first lemma is the subject, that names the
//     object too and is part of something (its "part_of" field): "<subject> lies within which
//     larger region?" -> the first whole (Africa), Fact "region/<subject>";
//   - a WordNet passage about the item's Object (its first lemma, the
//     text naming the subject too) whose gloss says it stands on a river ("... on the Shari river"):
//     "<object> stands on which river?" -> the river, Fact
//     "river/<object>";
//   - a Factbook field of the subject's country other than its capital
//     whose text is a short name (at most four words, no digits, not
//     naming the item's answer, not a note or an embassy address):
//     "<subject>: which of these is its <field>?" -> the text, Fact
//     "<field>/<subject>".
//
// Items without a Subject give none; search errors are returned.
func Collateral(ctx context.Context, src knowledge.Source, k int, it exam.Item) ([]exam.Item, error) {
	if it.Subject == "" {
		return nil, nil
	}
	var out []exam.Item
	seen := map[string]bool{}
	for _, kp := range mistake.Points(mistake.Mistake{Item: it}, mistake.PointOptions{}) {
		for _, q := range kp.Queries {
			hits, err := src.Search(ctx, q, k)
			if err != nil {
				return nil, fmt.Errorf("collateral probes of %s: %w", it.ID, err)
			}
			for _, h := range hits {
				c, ok := collateralOf(it, h.Passage)
				if ok && !seen[c.Fact] {
					seen[c.Fact] = true
					out = append(out, c)
				}
			}
		}
	}
	return out, nil
}

// collateralOf is the collateral fact passage p states about it's
// subject, if any (see Collateral).
func collateralOf(it exam.Item, p knowledge.Passage) (exam.Item, bool) {
	subject := exam.Normalize(it.Subject)
	key := strings.ReplaceAll(subject, " ", "-")
	base := exam.Item{Subject: it.Subject, Source: p.ID, Topic: "collateral", About: it.Fact, Probe: exam.ProbeCollateral}
	// A WordNet passage is about the fact's entity when its first lemma
	// names it and its text names the other side of the fact too (the
	// Georgia whose capital is Tbilisi, the Springfield in Illinois).
	text := exam.Normalize(p.Text)
	names := func(s string) bool { return s != "" && strings.Contains(text, exam.Normalize(s)) }
	lemmas := strings.Split(p.Fields["lemmas"], "|")
	if exam.Normalize(lemmas[0]) == subject && p.Fields["part_of"] != "" && names(it.Object) {
		region, _, _ := strings.Cut(p.Fields["part_of"], "|")
		if sameAnswer(region, it.Subject) {
			return exam.Item{}, false
		}
		base.Relation, base.Object, base.Fact = "region", region, "region/"+key
		return ask(base, "probe-region-"+key, exam.VariantForward, it.Subject+" lies within which larger region?", region, nil), true
	}
	if it.Object != "" && exam.Normalize(lemmas[0]) == exam.Normalize(it.Object) && names(it.Subject) {
		m := riverRe.FindStringSubmatch(gloss(p.Text))
		if m == nil {
			return exam.Item{}, false
		}
		okey := strings.ReplaceAll(exam.Normalize(it.Object), " ", "-")
		base.Subject, base.Relation, base.Object, base.Fact = it.Object, "river", m[1], "river/"+okey
		return ask(base, "probe-river-"+okey, exam.VariantForward, it.Object+" stands on which river?", m[1], nil), true
	}
	field := p.Fields["field"]
	rel := strings.ToLower(field)
	if exam.Normalize(p.Fields["country"]) != subject || field == "" || strings.Contains(rel, "capital") {
		return exam.Item{}, false
	}
	_, text, ok := strings.Cut(p.Text, ": ")
	text = firstClause(text)
	if !ok || !usable(text) || len(strings.Fields(text)) > 4 || strings.ContainsFunc(text, unicode.IsDigit) ||
		strings.HasPrefix(strings.ToLower(text), "see ") || strings.Contains(rel, "note") || strings.Contains(rel, "diplomatic") ||
		(it.Object != "" && strings.Contains(exam.Normalize(text), exam.Normalize(it.Object))) {
		return exam.Item{}, false
	}
	slug := strings.Join(strings.FieldsFunc(rel, func(r rune) bool { return !unicode.IsLetter(r) }), "-")
	base.Relation, base.Object, base.Fact = rel, text, slug+"/"+key
	return ask(base, "probe-"+slug+"-"+key, exam.VariantForward, fmt.Sprintf("%s: which of these is its %s?", it.Subject, rel), text, nil), true
}

// riverRe finds the river a WordNet gloss places a city on.
var riverRe = regexp.MustCompile(`\bon the ((?:[A-Z][\w'-]*\s)*[A-Z][\w'-]*) [Rr]iver\b`)

// gloss is the definition of a WordNet passage: its first line after
// "<lemmas> (<pos>): ".
func gloss(text string) string {
	text, _, _ = strings.Cut(text, "\n")
	if _, after, ok := strings.Cut(text, "): "); ok {
		return after
	}
	return text
}

// FamiliarityMixed marks a probe whose gold's familiarity group had too
// few answers for its distractors, so they were drawn from every group.
const FamiliarityMixed = "mixed"

// ProbeChoices returns k-choice versions of open probe items whose
// distractors are matched for training status: drawn (as MultipleChoice
// draws them) from the answers of the items with the same Familiarity
// only, so the gold is no more familiar to the model than the choices
// beside it. An item whose group has fewer than k-1 other answers gets
// distractors from all items and from extra (open items asked nowhere,
// only lending their answers) and Familiarity FamiliarityMixed; one with
// too few even then is left out. Output follows the input order. Each
// item's ChoiceAbout names, per choice, the facts of the items (and
// extra items) answered by it, so reports can check after training
// whether the distractors were trained as much as the gold.
func ProbeChoices(items, extra []exam.Item, k int, seed uint64) []exam.Item {
	out := probeChoices(items, extra, k, seed)
	facts := map[string][]string{}
	for _, it := range append(slices.Clip(items), extra...) {
		f := it.About
		if f == "" {
			f = it.Fact
		}
		n := exam.Normalize(it.Answer.Text)
		if f != "" && !slices.Contains(facts[n], f) {
			facts[n] = append(facts[n], f)
		}
	}
	for i := range out {
		about := make([]string, len(out[i].Choices))
		for j, c := range out[i].Choices {
			fs := slices.Clone(facts[exam.Normalize(c)])
			slices.Sort(fs)
			about[j] = strings.Join(fs, "|")
		}
		out[i].ChoiceAbout = about
	}
	return out
}

// probeChoices is ProbeChoices without ChoiceAbout.
func probeChoices(items, extra []exam.Item, k int, seed uint64) []exam.Item {
	groups := map[string][]exam.Item{}
	for _, it := range items {
		groups[it.Familiarity] = append(groups[it.Familiarity], it)
	}
	byID := map[string]exam.Item{}
	for _, g := range groups {
		for _, mc := range MultipleChoice(g, k, seed) {
			byID[mc.ID] = mc
		}
	}
	var out []exam.Item
	var all []exam.Item // lazily, only when a group fell short
	for _, it := range items {
		id := it.ID + mcSuffix(k)
		mc, ok := byID[id]
		if !ok {
			if all == nil {
				all = MultipleChoice(append(slices.Clip(items), extra...), k, seed)
			}
			i := slices.IndexFunc(all, func(a exam.Item) bool { return a.ID == id })
			if i < 0 {
				continue
			}
			mc = all[i]
			mc.Familiarity = FamiliarityMixed
		}
		out = append(out, mc)
	}
	return out
}
