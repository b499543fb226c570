package suitebuild

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/trainset"
)

// trigrams are the word 3-grams of s without the words of skip (the
// fact's own names, which every question about it shares).
func trigrams(s string, skip ...string) map[string]bool {
	drop := map[string]bool{}
	for _, k := range skip {
		for _, w := range strings.Fields(exam.Normalize(k)) {
			drop[w] = true
		}
	}
	var words []string
	for _, w := range strings.Fields(exam.Normalize(s)) {
		if !drop[w] {
			words = append(words, w)
		}
	}
	out := map[string]bool{}
	for i := 0; i+3 <= len(words); i++ {
		out[strings.Join(words[i:i+3], " ")] = true
	}
	return out
}

// TestParaphraseUnlikeTraining checks that no paraphrase probe shares a
// word trigram (the fact's names aside) with a question that a training
// writer (trainset's templates, both directions; restatements of the
// mined question; questions asked from a passage stating the fact) or a
// suite builder (the quiz's forward and reverse wordings) produces for
// the same fact.
func TestParaphraseUnlikeTraining(t *testing.T) {
	var relations []string
	for r := range paraphrases {
		relations = append(relations, r)
	}
	for _, rel := range relations {
		t.Run(rel, func(t *testing.T) {
			it := exam.Item{ID: "x", Question: "q?", Answer: exam.OpenAnswer("Zed"), Subject: "Ulm", Relation: rel, Object: "Zed",
				Variant: exam.VariantForward, Fact: rel + "/ulm"}
			p, ok := Paraphrase(it)
			if !ok {
				t.Fatalf("Paraphrase(%s) = not ok", rel)
			}
			if p.Probe != exam.ProbeParaphrase || p.About != it.Fact || p.Answer.Text != "Zed" {
				t.Fatalf("probe = %+v; want a paraphrase probe about %s answered Zed", p, it.Fact)
			}
			var training []string
			for _, ans := range []string{"Zed", "Ulm"} {
				for _, qa := range trainset.TemplateQuestions(trainset.Evidence{Item: it, Answer: ans}) {
					training = append(training, qa.Question)
				}
			}
			for _, qr := range quizRelations {
				if qr.relation == rel {
					training = append(training, fmt.Sprintf(qr.forward, "Ulm"))
					if qr.reverse != "" {
						training = append(training, fmt.Sprintf(qr.reverse, "Zed"))
					}
				}
			}
			// The normative writer also restates the mined question and
			// asks the passage's statements (here a WordNet-style passage
			// stating the fact) with the question's wh-phrase.
			for _, q := range slices.Clone(training) {
				if r, ok := trainset.RestateQuestion(q); ok {
					training = append(training, r)
				}
			}
			passage := knowledge.Passage{ID: "wordnet:1", Source: "wordnet", Title: "Ulm",
				Text:   "Ulm (noun): a place in the south\nHas part: Zed, " + rel + " of Ulm",
				Fields: map[string]string{"lemmas": "Ulm", "has_part": "Zed"}}
			for _, qr := range quizRelations {
				if qr.relation == rel {
					ev := trainset.Evidence{Passage: passage, Item: exam.Item{Question: fmt.Sprintf(qr.forward, "Ulm")}, Answer: "Zed"}
					for _, qa := range trainset.PassageQuestions(ev) {
						training = append(training, qa.Question)
					}
				}
			}
			if len(training) == 0 {
				t.Fatalf("no training question for %s: the check would pass on nothing", rel)
			}
			got := trigrams(p.Question, "Ulm", "Zed", rel)
			for _, q := range training {
				for g := range trigrams(q, "Ulm", "Zed", rel) {
					if got[g] {
						t.Errorf("paraphrase %q shares %q with the training question %q", p.Question, g, q)
					}
				}
			}
		})
	}
	for name, it := range map[string]exam.Item{
		"reverse":                    {ID: "r", Question: "q?", Answer: exam.OpenAnswer("Zed"), Subject: "Ulm", Relation: "capital", Object: "Zed", Variant: exam.VariantReverse},
		"relation without a wording": {ID: "n", Question: "q?", Answer: exam.OpenAnswer("cat"), Subject: "kitten", Relation: "young of", Object: "cat"},
		"answer not object":          {ID: "w", Question: "q?", Answer: exam.OpenAnswer("Ulm"), Subject: "Ulm", Relation: "instance of", Object: "city", Variant: exam.VariantForward},
	} {
		if _, ok := Paraphrase(it); ok {
			t.Errorf("Paraphrase(%s item) = ok; want only forward items answered by their object", name)
		}
	}
}

func TestProbeChoicesMatchFamiliarity(t *testing.T) {
	var items []exam.Item
	for i := 0; i < 5; i++ {
		for _, fam := range []string{"withheld", "pretrained"} {
			items = append(items, exam.Item{ID: fmt.Sprintf("%s-%d", fam, i), Question: fmt.Sprintf("Q %s %d?", fam, i),
				Answer: exam.OpenAnswer(fmt.Sprintf("%s answer %d", fam, i)), Relation: "r", Familiarity: fam, About: fmt.Sprintf("%sf-%d", fam, i)})
		}
	}
	items = append(items, exam.Item{ID: "lonely", Question: "Q?", Answer: exam.OpenAnswer("lonely answer"), Relation: "r", Familiarity: "untaught"})
	extra := []exam.Item{{ID: "e1", Question: "E1?", Answer: exam.OpenAnswer("extra 1"), Relation: "r"}}
	got := ProbeChoices(items, extra, 4, 1)
	if len(got) != len(items) { // the extra item is not asked
		t.Fatalf("ProbeChoices gave %d items; want %d", len(got), len(items))
	}
	for _, mc := range got {
		if mc.ID == "lonely-mc4" {
			if mc.Familiarity != FamiliarityMixed {
				t.Errorf("lonely: familiarity = %q; want %q (its group has no distractors)", mc.Familiarity, FamiliarityMixed)
			}
			continue
		}
		for j, c := range mc.Choices {
			if !strings.HasPrefix(c, mc.Familiarity+" ") {
				t.Errorf("%s: choice %q is not from its familiarity group %q", mc.ID, c, mc.Familiarity)
			}
			// "withheld answer 3" answers the fact of item withheld-3.
			if want := "f-" + strings.ReplaceAll(strings.TrimPrefix(c, mc.Familiarity+" answer "), " ", ""); mc.ChoiceAbout[j] != mc.Familiarity+want {
				t.Errorf("%s: choice %q about %q; want %q", mc.ID, c, mc.ChoiceAbout[j], mc.Familiarity+want)
			}
		}
	}
}

func TestCollateral(t *testing.T) {
	passages := []knowledge.Passage{
		{ID: "wordnet:1", Source: "wordnet", Title: "Chad", Text: "Chad (noun): a landlocked desert republic in north-central Africa\nHas part: N'Djamena, capital of Chad",
			Fields: map[string]string{"lemmas": "Chad|Republic of Chad", "part_of": "Africa", "has_part": "N'Djamena"}},
		{ID: "wordnet:2", Source: "wordnet", Title: "N'Djamena", Text: "N'Djamena, capital of Chad (noun): the capital and largest city of Chad; located on the Shari river",
			Fields: map[string]string{"lemmas": "N'Djamena|capital of Chad", "part_of": "Chad"}},
		{ID: "factbook:cd/currency", Source: "factbook", Title: "Chad: Economy > Currency", Text: "Chad, Economy > Currency: Central African CFA franc",
			Fields: map[string]string{"country": "Chad", "field": "Currency"}},
		{ID: "factbook:cd/capital", Source: "factbook", Title: "Chad: Government > Capital > name", Text: "Chad, Government > Capital > name: N'Djamena",
			Fields: map[string]string{"country": "Chad", "field": "Capital > name"}},
		{ID: "factbook:cd/ports", Source: "factbook", Title: "Chad: Transportation > Ports", Text: "Chad, Transportation > Ports: N'Djamena river port",
			Fields: map[string]string{"country": "Chad", "field": "Ports"}},
		{ID: "wordnet:4", Source: "wordnet", Title: "N'Djamena", Text: "N'Djamena (noun): a town elsewhere on the Logone river",
			Fields: map[string]string{"lemmas": "N'Djamena", "part_of": "Cameroon"}}, // another N'Djamena: not Chad's
		{ID: "wordnet:3", Source: "wordnet", Title: "Peru", Text: "Peru (noun): a republic in western South America",
			Fields: map[string]string{"lemmas": "Peru", "part_of": "South America"}},
	}
	ix, err := knowledge.Build(context.Background(), passages, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	it := exam.Item{ID: "chad", Question: "What is the capital of Chad?", Answer: exam.OpenAnswer("N'Djamena"), Subject: "Chad",
		Relation: "capital", Object: "N'Djamena", Fact: "capital/chad", Variant: exam.VariantForward}
	got, err := Collateral(context.Background(), ix, 5, it)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"region/chad": "Africa", "currency/chad": "Central African CFA franc", "river/ndjamena": "Shari"}
	if len(got) != len(want) {
		t.Fatalf("Collateral = %+v; want %d facts %v", got, len(want), want)
	}
	for _, c := range got {
		if want[c.Fact] != c.Answer.Text || c.Probe != exam.ProbeCollateral || c.About != "capital/chad" {
			t.Errorf("collateral %s = %q (probe %q about %q); want %q, collateral about capital/chad", c.Fact, c.Answer.Text, c.Probe, c.About, want[c.Fact])
		}
	}
	if got, _ := Collateral(context.Background(), ix, 5, exam.Item{ID: "open", Question: "Who?", Answer: exam.OpenAnswer("x")}); len(got) != 0 {
		t.Errorf("Collateral(no subject) = %v; want none", got)
	}
}

func TestAddProbes(t *testing.T) {
	fwd := exam.Item{ID: "f", Question: "What is the capital of Chad?", Answer: exam.OpenAnswer("N'Djamena"), Subject: "Chad", Relation: "capital",
		Object: "N'Djamena", Fact: "capital/chad", Variant: exam.VariantForward}
	rev := exam.Item{ID: "r", Question: "N'Djamena is the capital of which country?", Answer: exam.OpenAnswer("Chad"), Fact: "capital/chad", Variant: exam.VariantReverse}
	other := exam.Item{ID: "o", Question: "Lima is the capital of which country?", Answer: exam.OpenAnswer("Peru"), Fact: "capital/peru", Variant: exam.VariantReverse}
	para, _ := Paraphrase(fwd)
	strayPara, _ := Paraphrase(exam.Item{ID: "p", Question: "q?", Answer: exam.OpenAnswer("Lima"), Subject: "Peru", Relation: "capital", Object: "Lima", Fact: "capital/peru"})
	got := AddProbes([]exam.Item{fwd}, []exam.Item{rev, other}, []exam.Item{para, strayPara})
	if len(got) != 3 {
		t.Fatalf("AddProbes = %d items; want the reverse, the other fact's item and one paraphrase", len(got))
	}
	if got[0].Probe != exam.ProbeReverse || got[0].About != "capital/chad" {
		t.Errorf("reverse item = probe %q about %q; want reverse about capital/chad", got[0].Probe, got[0].About)
	}
	if got[1].Probe != "" {
		t.Errorf("item of a fact outside the exam = probe %q; want none", got[1].Probe)
	}
	if got[2].Probe != exam.ProbeParaphrase || got[2].Question != "Chad is governed from which city?" {
		t.Errorf("third item = %+v; want Chad's paraphrase probe", got[2])
	}
}
