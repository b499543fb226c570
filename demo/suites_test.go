package demo

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/suitebuild"
)

// TestBuildSuitesProbes builds the quick demo's suites from the real quiz
// data and WordNet (the index holding WordNet's places only, to stay
// fast) and checks the probes: every exam fact has a paraphrase and a
// reverse probe, probes are about exam facts, distractors come from facts
// of the gold's familiarity, and interference asks only facts outside
// the exam, against each other.
func TestBuildSuitesProbes(t *testing.T) {
	set, _, _ := quickSuites(t)
	suites := map[string][]exam.Item{}
	for _, s := range set.suites {
		suites[s.Name] = s.Items
	}
	examFacts := map[string]bool{}
	for _, it := range suites["exam"] {
		examFacts[it.Fact] = true
	}
	famOf := map[string]string{} // fact -> familiarity of its probes
	kinds := map[string]map[string]bool{}
	for _, it := range suites["heldout"] {
		if !examFacts[it.About] {
			t.Errorf("heldout %s: about %q, not an exam fact", it.ID, it.About)
		}
		if kinds[it.About] == nil {
			kinds[it.About] = map[string]bool{}
		}
		kinds[it.About][it.Probe] = true
		if it.Familiarity != suitebuild.FamiliarityMixed {
			famOf[it.About] = it.Familiarity
		}
	}
	collateral := 0
	for f := range examFacts {
		if !kinds[f][exam.ProbeParaphrase] || !kinds[f][exam.ProbeReverse] {
			t.Errorf("exam fact %s: probes %v; want a paraphrase and a reverse probe", f, kinds[f])
		}
		if kinds[f][exam.ProbeCollateral] {
			collateral++
		}
	}
	if collateral == 0 {
		t.Error("no exam fact has a collateral probe")
	}
	for _, it := range suites["heldout"] {
		if it.Familiarity == suitebuild.FamiliarityMixed || it.Probe == exam.ProbeCollateral {
			continue // collateral answers (regions) are shared by many facts
		}
		for j, facts := range it.ChoiceAbout {
			// A string may answer several facts (Connecticut: a state, a
			// river); one of them must be of the gold's familiarity.
			if j != it.Answer.Index && !slices.ContainsFunc(strings.Split(facts, "|"), func(f string) bool { return famOf[f] == it.Familiarity }) {
				t.Errorf("heldout %s (%s): distractor %q answers %s, none of familiarity %q", it.ID, it.Familiarity, it.Choices[j], facts, it.Familiarity)
			}
		}
	}
	if len(suites[interferenceSuite]) != 2*quickSizes.untaught {
		t.Errorf("interference has %d items; want %d (both ways for each fact)", len(suites[interferenceSuite]), 2*quickSizes.untaught)
	}
	for _, it := range suites[interferenceSuite] {
		if it.Probe != exam.ProbeInterference || it.Familiarity != famUntaught || examFacts[it.Fact] {
			t.Errorf("interference %s: probe %q, familiarity %q, fact %s (in the exam: %v)", it.ID, it.Probe, it.Familiarity, it.Fact, examFacts[it.Fact])
		}
		for _, f := range it.ChoiceAbout {
			if examFacts[f] {
				t.Errorf("interference %s: a choice answers the exam fact %s", it.ID, f)
			}
		}
	}
}

// quickSuites builds the quick demo's suites (seed 1) from the real quiz
// data and WordNet, the index holding WordNet's places only, to stay
// fast; it returns them with the quiz items and the WordNet passages.
func quickSuites(t *testing.T) (*suiteSet, []exam.Item, []knowledge.Passage) {
	t.Helper()
	p := demotest.Paths(t)
	ctx := context.Background()
	quiz, err := suitebuild.QuizItems(p.QuizDir())
	if err != nil {
		t.Fatal(err)
	}
	wn, err := knowledge.ReadWordNet(ctx, p.WordNetDir())
	if err != nil {
		t.Fatal(err)
	}
	var places []knowledge.Passage
	for _, ps := range wn.Passages {
		if ps.Fields["lexfile"] == "noun.location" {
			places = append(places, ps)
		}
	}
	ix, err := knowledge.Build(ctx, places, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set, err := buildSuites(ctx, quiz, wn.Passages, ix, quickSizes, 1)
	if err != nil {
		t.Fatal(err)
	}
	return set, quiz, wn.Passages
}
