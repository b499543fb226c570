package demo

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/suitebuild"
	"github.com/cemlab/cem/trainset"
)

// KindSkill is the kind of the mixed-training examples in the base
// model's instruction tuning (see skillExamples); in a round's set they
// are part of the general pool.
const KindSkill = "skill"

// skillShare is how many skill examples per review fact join the
// rounds' general pool under mixed training (all of them are in the base
// model's tuning): at 2, about a fifth of the pool once decontamination
// has dropped the general suite's own definitions, so the skill is kept
// without crowding out the definitions that guard against forgetting.
const skillShare = 2

// skillFact is a fact outside every suite that mixed training asks in
// both directions and from its passage: subject's capital is object.
type skillFact struct {
	id              string
	subject, object string
	kind            string // what the subject is: "country", "state or province"
	reverse         string // the reverse question, when the data has one
	passage         knowledge.Passage
}

// capitalGlossRe finds the whole a WordNet gloss makes a city the capital
// of: "the capital and largest city of Bavaria", "the capital of the
// Mexican state of Yucatan".
var capitalGlossRe = regexp.MustCompile(`^(?:the )?capital (?:and largest city |city )?of (?:the )?(?:[A-Z][a-z]+ (?:state|province) of )?([A-Z][\w' ]*?)(?:[;,]| in | on | and |$)`)

// reverseKindRe is the kind of subject a quiz reverse question asks for.
var reverseKindRe = regexp.MustCompile(`of which (.+)\?$`)

// skillFacts are the capital facts mixed training teaches: the review
// facts (outside every suite, already taught forward) and the capitals
// WordNet glosses state about places no quiz capital fact names. A fact
// whose passage names a withheld fact's subject or answer is left out,
// as from pre-training.
func skillFacts(set *suiteSet, quiz []exam.Item, dict []knowledge.Passage) []skillFact {
	withheld := factTerms(set.withheld)
	var capitals []exam.Item
	reverse := map[string]string{}
	for _, it := range quiz {
		if it.Relation == "capital" {
			capitals = append(capitals, it)
			if it.Variant == exam.VariantReverse {
				reverse[it.Fact] = it.Question
			}
		}
	}
	suiteTerms := factTerms(capitals)
	for _, it := range capitals {
		for _, a := range it.Aliases {
			suiteTerms = append(suiteTerms, spaced(a))
		}
	}
	byLemma := map[string][]knowledge.Passage{}
	for _, p := range dict {
		l, _, _ := strings.Cut(p.Fields["lemmas"], "|")
		if l != "" && p.Fields["lexfile"] == "noun.location" {
			byLemma[exam.Normalize(l)] = append(byLemma[exam.Normalize(l)], p)
		}
	}
	clean := func(p knowledge.Passage) bool {
		return !mentions(spaced(p.Text), withheld)
	}
	var out []skillFact
	for _, it := range set.review {
		f := skillFact{id: it.Fact, subject: it.Subject, object: it.Object, reverse: reverse[it.Fact], kind: "country or state"}
		if m := reverseKindRe.FindStringSubmatch(f.reverse); m != nil {
			f.kind = m[1]
		}
		for _, p := range byLemma[exam.Normalize(it.Object)] {
			if strings.Contains(exam.Normalize(p.Text), exam.Normalize(it.Subject)) && clean(p) {
				f.passage = p
				break
			}
		}
		out = append(out, f)
	}
	seen := map[string]bool{}
	for _, p := range dict {
		whole, _, _ := strings.Cut(p.Fields["part_of"], "|")
		lemma, _, _ := strings.Cut(p.Fields["lemmas"], "|")
		m := capitalGlossRe.FindStringSubmatch(gloss(p.Text))
		if whole == "" || lemma == "" || m == nil || exam.Normalize(m[1]) != exam.Normalize(whole) || seen[exam.Normalize(whole)] {
			continue
		}
		// Every name of the city and of the whole, against every name in
		// the quiz's capital facts (aliases included).
		names := strings.ReplaceAll(p.Fields["lemmas"]+"|"+p.Fields["part_of"], "|", " , ")
		if _, part, ok := strings.Cut(p.Text, "\nPart of: "); ok {
			names += " , " + part
		}
		terms := spaced(names)
		if mentions(terms, suiteTerms) || !clean(p) {
			continue
		}
		seen[exam.Normalize(whole)] = true
		kind := "state or province"
		if strings.Contains(p.Fields["instance_of"], "national capital") {
			kind = "country"
		}
		out = append(out, skillFact{id: suitebuild.FactID("capital", whole), subject: whole, object: lemma,
			kind: kind, passage: p})
	}
	return out
}

// skillExamples are the mixed-training examples: for each skill fact
// the forward question (WordNet facts; the review facts are taught it
// already), reverse questions in two wordings, and extractive examples
// (its passage and a forward or reverse question); for each collateral
// fact of a review fact (region, river) its question and an extractive
// example. Every example naming a withheld fact's subject or answer, and
// every one overlapping a suite item, is left out. The order is seeded.
func skillExamples(set *suiteSet, facts []skillFact, dict []knowledge.Passage, seed uint64) []model.Example {
	var out []model.Example
	add := func(id, prompt, answer, origin string) {
		out = append(out, model.Example{ID: "skill:" + id, Kind: KindSkill, Prompt: prompt, Text: exam.Continuation(answer), Origin: origin})
	}
	ask := func(q string) string { return exam.Prompt(&exam.Item{Question: q}) }
	for _, f := range facts {
		fwd := fmt.Sprintf("What is the capital of %s?", f.subject)
		if !slices.ContainsFunc(set.review, func(it exam.Item) bool { return it.Fact == f.id }) {
			add(f.id+":forward", ask(fwd), f.object, f.passage.ID)
		}
		rev := []string{fmt.Sprintf("%s is the capital of which %s?", f.object, f.kind), fmt.Sprintf("Which %s has %s as its capital?", f.kind, f.object)}
		if f.reverse != "" {
			rev[0] = f.reverse
		}
		for i, q := range rev {
			add(fmt.Sprintf("%s:reverse-%d", f.id, i), ask(q), f.subject, f.passage.ID)
		}
		if f.passage.ID != "" {
			text := f.passage.Text
			add(f.id+":extract-forward", trainset.ExtractivePrompt(text, fwd), f.object, f.passage.ID)
			add(f.id+":extract-reverse", trainset.ExtractivePrompt(text, rev[1]), f.subject, f.passage.ID)
		}
	}
	byID := map[string]knowledge.Passage{}
	for _, it := range set.reviewCollateral {
		byID[it.Source] = knowledge.Passage{}
	}
	for _, p := range dict {
		if _, ok := byID[p.ID]; ok {
			byID[p.ID] = p
		}
	}
	for _, it := range set.reviewCollateral {
		add(it.Fact+":collateral", ask(it.Question), it.Answer.Text, it.Source)
		if p := byID[it.Source]; p.Text != "" {
			add(it.Fact+":extract-collateral", trainset.ExtractivePrompt(p.Text, it.Question), it.Answer.Text, it.Source)
		}
	}
	dc := curate.NewDecontaminator(0)
	for _, s := range set.suites {
		dc.AddItems(s.Items)
	}
	withheld := factTerms(set.withheld)
	kept := out[:0]
	for _, e := range out {
		w := spaced(e.Prompt + " " + e.Text)
		if _, hit := dc.Match(e.Prompt + "\n" + e.Text); hit || mentions(w, withheld) {
			continue
		}
		kept = append(kept, e)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5c111))
	rng.Shuffle(len(kept), func(i, j int) { kept[i], kept[j] = kept[j], kept[i] })
	return kept
}

// withPassages returns texts plus the skill facts' passages not in it
// yet, so the base model reads every fact it is asked about.
func withPassages(texts []string, facts []skillFact) []string {
	have := map[string]bool{}
	for _, t := range texts {
		have[t] = true
	}
	for _, f := range facts {
		if t := f.passage.Text; t != "" && !have[t] {
			have[t] = true
			texts = append(texts, t)
		}
	}
	return texts
}
