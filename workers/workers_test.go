package workers

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/trainset"
)

func TestCuratorVerdicts(t *testing.T) {
	cand := func(item, id, lic string, score float64) curate.Candidate {
		return curate.Candidate{MistakeID: item, Claim: curate.Claim{ItemID: item},
			Hit: knowledge.Hit{Passage: knowledge.Passage{ID: id, Source: "s", Text: "text " + id, License: lic}, Score: score}}
	}
	cands := []curate.Candidate{cand("m1", "p1", "CC0", 1), cand("m1", "p2", "secret", 5), cand("m1", "p3", "CC0", 3), cand("m2", "p1", "CC0", 1)}
	c := Curator{Pipeline: curate.Pipeline{Filters: []curate.Filter{curate.Licenses{Allow: []string{"CC0"}}, curate.PerItem{Max: 1}}}}
	got, err := c.Curate(context.Background(), nil, cands, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		keep   bool
		filter string
	}{{false, "max-per-item"}, {false, "license"}, {true, ""}, {true, ""}}
	for i, w := range want {
		if got[i].Keep != w.keep || got[i].Filter != w.filter {
			t.Errorf("verdict %d (%s/%s) = keep %v filter %q; want keep %v filter %q",
				i, got[i].MistakeID, got[i].ID, got[i].Keep, got[i].Filter, w.keep, w.filter)
		}
	}
}

func TestMinerBudgetAndOrder(t *testing.T) {
	items := []exam.Item{{ID: "q1", Question: "a?", Weight: 1}, {ID: "q2", Question: "b?", Weight: 3}, {ID: "q3", Question: "c?"}}
	suites := []loop.Suite{{Name: "exam", Items: items}}
	answers := []rundir.Answer{
		{Suite: "exam", Result: exam.Result{ID: "q1"}},
		{Suite: "exam", Result: exam.Result{ID: "q2"}},
		{Suite: "exam", Result: exam.Result{ID: "q3", Correct: true, Scores: []float64{-1, -1.01}, Margin: 0.01}},
	}
	tests := []struct {
		name string
		m    Miner
		want []string
	}{
		{"all", Miner{}, []string{"q2", "q1", "q3"}},
		{"budget", Miner{Budget: 1}, []string{"q2"}},
		{"no uncertain", Miner{Margin: -1}, []string{"q2", "q1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := tt.m.Mine(context.Background(), suites, answers)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range ms {
				ids = append(ids, m.Item.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("mined = %v; want %v", ids, tt.want)
			}
		})
	}
}

// builderFixture is a corpus of 200 plain sentences and a round's input
// with one mistake (Chad's capital) and its one evidence passage
// (wordnet:1).
func builderFixture() ([]knowledge.Passage, loop.BuildInput) {
	var corpus []knowledge.Passage
	for i := range 200 {
		corpus = append(corpus, knowledge.Passage{ID: "c" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Source: "wordnet",
			Title: "word", Text: "a plain sentence of general text number " + string(rune('a'+i%26))})
	}
	item := exam.Item{ID: "q1", Question: "What is the capital of Chad?", Subject: "Chad", Relation: "capital", Object: "N'Djamena",
		Answer: exam.OpenAnswer("N'Djamena")}
	ev := curate.Candidate{MistakeID: "q1", Claim: curate.Claim{ItemID: "q1", Answer: "N'Djamena"},
		Hit: knowledge.Hit{Passage: knowledge.Passage{ID: "wordnet:1", Source: "wordnet", Title: "N'Djamena",
			Text: "N'Djamena: the capital and largest city of Chad"}}}
	return corpus, loop.BuildInput{Round: 1, Seed: 7, Mistakes: []mistake.Mistake{{Item: item, Suite: "exam"}}, Evidence: []curate.Candidate{ev}}
}

func TestBuilderRandomEvidence(t *testing.T) {
	corpus, in := builderFixture()
	b := &Builder{Corpus: corpus}
	cem, err := b.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	in.Baseline = config.BaselineRandomEvidence
	rev, err := b.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	cm, rm := cem.Manifest.(trainset.Manifest), rev.Manifest.(trainset.Manifest)
	// Each kind as many examples as CEM's, and about its loss-bearing
	// tokens (the passages are matched in length, not exactly).
	for _, k := range cm.Kinds {
		if r := rm.Count(k.Kind); r.Examples != k.Examples {
			t.Errorf("%s: %d random-evidence examples; want CEM's %d", k.Kind, r.Examples, k.Examples)
		}
	}
	if got, want := float64(rm.Total.LossTokens), float64(cm.Total.LossTokens); got < 0.8*want || got > 1.2*want {
		t.Errorf("random-evidence loss-bearing tokens = %v; want CEM's %v within 20 %%", got, want)
	}
	// The evidence passage itself never appears; random ones do.
	random := 0
	for _, p := range rm.Provenance {
		if p.Origin == "wordnet:1" {
			t.Errorf("random-evidence example %s comes from the real evidence", p.ID)
		}
		if p.Kind == "cpt" && strings.HasPrefix(p.Origin, "c") {
			random++
		}
	}
	if random == 0 {
		t.Errorf("random-evidence set has no cpt example from a random passage; provenance %+v", rm.Provenance)
	}
}

func TestBuilderRandomMatchesTokens(t *testing.T) {
	corpus, in := builderFixture()
	kinds := func(set loop.TrainSet) map[string]int {
		k := map[string]int{}
		for _, e := range set.Examples {
			k[e.Kind]++
		}
		return k
	}
	b := &Builder{Corpus: corpus}
	cem, err := b.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	in.Baseline = "random"
	rnd, err := b.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	ck, rk := kinds(cem), kinds(rnd)
	// Equal loss-bearing tokens: CEM's instruction prompts carry no loss,
	// so CEM counts more tokens in all than it trains on.
	cm, rm := cem.Manifest.(trainset.Manifest), rnd.Manifest.(trainset.Manifest)
	want := cm.Total.LossTokens
	if got := rm.Total.LossTokens; got < want || got > want+20 {
		t.Errorf("random set loss-bearing tokens = %d; want the CEM set's %d (plus at most one example)", got, want)
	}
	if cm.Total.Tokens <= cm.Total.LossTokens || rm.Total.Tokens != rm.Total.LossTokens {
		t.Errorf("tokens counted/loss-bearing: CEM %d/%d, random %d/%d; want CEM's prompts counted but not loss-bearing, random all loss-bearing",
			cm.Total.Tokens, cm.Total.LossTokens, rm.Total.Tokens, rm.Total.LossTokens)
	}
	if ck["cpt"] == 0 || ck["normative"] == 0 {
		t.Errorf("CEM set kinds = %v; want cpt and normative examples", ck)
	}
	if len(rk) != 1 || rk["cpt"] == 0 {
		t.Errorf("random set kinds = %v; want only cpt", rk)
	}
	for _, e := range rnd.Examples {
		if e.Origin == "wordnet:1" {
			t.Errorf("random set holds the evidence passage %s", e.ID)
		}
	}
}
