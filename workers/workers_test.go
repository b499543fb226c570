package workers

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/knowledge/knowledgetest"
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

// builderFixture is a corpus of 1000 distinct plain sentences (enough
// for random-evidence at 5x CEM's tokens, which gets only CPT text and
// its restatements from them) and a round's input
// with one mistake (Chad's capital) and its one evidence passage
// (wordnet:1).
func builderFixture() ([]knowledge.Passage, loop.BuildInput) {
	var corpus []knowledge.Passage
	for i := range 1000 {
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

// buildCEMAndBaseline builds in's training set as CEM and as the baseline
// mode (in.Baseline left as given).
func buildCEMAndBaseline(t *testing.T, b *Builder, in loop.BuildInput, mode string) (cem, base loop.TrainSet) {
	t.Helper()
	cem, err := b.Build(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	in.Baseline = mode
	if base, err = b.Build(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	return cem, base
}

func TestBuilderRandomEvidence(t *testing.T) {
	corpus, in := builderFixture()
	b := &Builder{Corpus: corpus}
	cem, rev := buildCEMAndBaseline(t, b, in, config.BaselineRandomEvidence)
	cm, rm := cem.Manifest.(trainset.Manifest), rev.Manifest.(trainset.Manifest)
	// No question answered from the answer key (no random passage states
	// the answer: trainset.StatesAnswer), every evidence entry counted as
	// ungrounded, and about CEM's loss-bearing tokens from the passages.
	for _, k := range []string{trainset.KindNormative, trainset.KindExtractive} {
		if c, r := cm.Count(k), rm.Count(k); c.Examples == 0 || r.Examples != 0 {
			t.Errorf("%s: CEM %d, random-evidence %d examples; want some and none", k, c.Examples, r.Examples)
		}
	}
	// Every random entry is ungrounded: as many as the random passages
	// drawn (their CPT examples), at least one per evidence entry.
	if n := rm.Count(trainset.KindCPT).Pool; rm.Ungrounded < len(in.Evidence) || rm.Ungrounded < n || cm.Ungrounded != 0 {
		t.Errorf("ungrounded evidence: CEM %d, random-evidence %d (%d random passages); want 0 and every entry", cm.Ungrounded, rm.Ungrounded, n)
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
	cem, rnd := buildCEMAndBaseline(t, b, in, "random")
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

func TestBuilderScaleMatchesLossTokens(t *testing.T) {
	corpus, in := builderFixture()
	// 12 mistakes, so that a kind's last example (a draw overshoots its
	// target by at most one) is a small part of its share.
	m0, e0 := in.Mistakes[0], in.Evidence[0]
	in.Mistakes, in.Evidence = nil, nil
	for i := range 12 {
		m, e := m0, e0
		m.Item.ID = fmt.Sprintf("q%d", i)
		e.MistakeID, e.Claim.ItemID, e.ID = m.Item.ID, m.Item.ID, fmt.Sprintf("wordnet:%d", i)
		in.Mistakes, in.Evidence = append(in.Mistakes, m), append(in.Evidence, e)
	}
	b := &Builder{Corpus: corpus}
	cem, err := b.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	cm := cem.Manifest.(trainset.Manifest)
	for _, mode := range []string{config.BaselineRandom, config.BaselineRandomEvidence} {
		for _, scale := range []float64{1, 2, 5} {
			t.Run(fmt.Sprintf("%s x%g", mode, scale), func(t *testing.T) {
				in := in
				in.Baseline, in.Scale = mode, scale
				set, err := b.Build(context.Background(), in)
				if err != nil {
					t.Fatal(err)
				}
				m := set.Manifest.(trainset.Manifest)
				want := scale * float64(cm.Total.LossTokens)
				if got := float64(m.Total.LossTokens); got < 0.92*want || got > 1.08*want {
					t.Errorf("loss-bearing tokens = %v; want %g x CEM's %d within 8 %%", got, scale, cm.Total.LossTokens)
				}
				r := m.Reference
				if r == nil || r.LossTokens != cm.Total.LossTokens || r.Tokens != cm.Total.Tokens || r.Scale != scale ||
					r.TargetLossTokens != int(math.Round(want)) {
					t.Errorf("reference = %+v; want CEM's %d/%d tokens at scale %g", r, cm.Total.Tokens, cm.Total.LossTokens, scale)
				}
			})
		}
	}
}

func TestBuilderUntargetedBuildsAsCEM(t *testing.T) {
	corpus, in := builderFixture()
	b := &Builder{Corpus: corpus}
	cem, un := buildCEMAndBaseline(t, b, in, config.BaselineUntargeted)
	if !reflect.DeepEqual(un.Examples, cem.Examples) {
		t.Errorf("untargeted set differs from CEM's on the same mistakes and evidence; want the CEM recipe unchanged")
	}
	for _, mode := range []string{"lucky", config.BaselineRAG} {
		in.Baseline = mode
		if _, err := b.Build(context.Background(), in); err == nil {
			t.Errorf("Build for baseline %q succeeded; want an error", mode)
		}
	}
}

func TestMinerUntargeted(t *testing.T) {
	var items []exam.Item
	var answers []rundir.Answer
	for i := range 40 {
		id := fmt.Sprintf("q%02d", i)
		items = append(items, exam.Item{ID: id, Question: "q?"})
		// the first 5 are wrong: the mistakes
		answers = append(answers, rundir.Answer{Suite: "exam", Result: exam.Result{ID: id, Correct: i >= 5}})
	}
	suites := []loop.Suite{{Name: "exam", Items: items}}
	mined, err := Miner{Margin: -1}.Mine(context.Background(), suites, answers)
	if err != nil {
		t.Fatal(err)
	}
	drawn, err := Miner{Margin: -1, Untargeted: true, Seed: 3}.Mine(context.Background(), suites, answers)
	if err != nil {
		t.Fatal(err)
	}
	if len(mined) != 5 || len(drawn) != len(mined) {
		t.Fatalf("mined %d, drawn %d; want 5 and as many drawn", len(mined), len(drawn))
	}
	right := 0
	for _, m := range drawn {
		if m.Kind != mistake.Drawn {
			t.Errorf("drawn %s kind %q; want %q", m.Item.ID, m.Kind, mistake.Drawn)
		}
		if m.Item.ID >= "q05" {
			right++
		}
	}
	if right == 0 {
		t.Errorf("drawn = %v; want items drawn blind, not only the mistakes", drawn)
	}
	again, _ := Miner{Margin: -1, Untargeted: true, Seed: 3}.Mine(context.Background(), suites, answers)
	if !reflect.DeepEqual(again, drawn) {
		t.Errorf("a second draw differs: %v then %v; want the same draw for the same seed and answers", drawn, again)
	}
}

func TestMissingSources(t *testing.T) {
	ix, err := knowledge.Build(context.Background(), []knowledge.Passage{
		{ID: "w1", Source: "wordnet", Title: "Chad", Text: "a country in Africa"},
		{ID: "e1", Source: "elements", Title: "iron", Text: "a metallic element"}}, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Sources: config.SourcesConfig{PerSource: map[string]int{"wordnet": 2, "factbook": 2, "gcide": 0}}}
	got := MissingSources(cfg, ix)
	if len(got) != 1 || !strings.Contains(got[0], `"factbook"`) || !strings.Contains(got[0], "(wordnet, elements)") {
		t.Errorf("MissingSources = %q; want one warning naming factbook and the sources held", got)
	}
	if got := MissingSources(cfg, knowledgetest.Fixed{}); got != nil {
		t.Errorf("MissingSources of a source that cannot list its sources = %q; want none", got)
	}
}

// TestBuilderRandomEvidenceNoUsablePassage: when every corpus passage
// states the answer, random-evidence keeps no entry (and terminates)
// instead of keeping the real passage.
func TestBuilderRandomEvidenceNoUsablePassage(t *testing.T) {
	_, in := builderFixture()
	corpus := []knowledge.Passage{{ID: "c1", Source: "wordnet", Title: "Chad", Text: "N'Djamena is in Chad"}}
	b := &Builder{Corpus: corpus}
	in.Baseline = config.BaselineRandomEvidence
	set, err := b.Build(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	m := set.Manifest.(trainset.Manifest)
	for _, p := range m.Provenance {
		if p.Origin == "wordnet:1" || p.Kind == trainset.KindNormative || p.Kind == trainset.KindExtractive {
			t.Errorf("example %s (%s from %s); want no evidence kept and no question", p.ID, p.Kind, p.Origin)
		}
	}
}
