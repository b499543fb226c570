package review

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/internal/runlock"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/rundir"
)

// verdicts makes n kept verdicts per source (passage ids src:i) and one
// rejected one per source.
func verdicts(n int, sources ...string) []curate.Verdict {
	var vs []curate.Verdict
	for _, s := range sources {
		for i := range n {
			vs = append(vs, curate.Verdict{Keep: true, Candidate: curate.Candidate{MistakeID: "q1",
				Claim: curate.Claim{ItemID: "q1", Answer: "Paris"},
				Hit:   knowledge.Hit{Passage: knowledge.Passage{ID: fmt.Sprintf("%s:%d", s, i), Source: s, Text: "text " + s}}}})
		}
		vs = append(vs, curate.Verdict{Filter: "license", Reason: "closed", Candidate: curate.Candidate{
			Hit: knowledge.Hit{Passage: knowledge.Passage{ID: s + ":rejected", Source: s}}}})
	}
	return vs
}

func TestSample(t *testing.T) {
	vs := verdicts(10, "wiki", "wordnet")
	cfg := &config.ReviewConfig{Rate: 0.3, Sources: map[string]config.ReviewSample{"wordnet": {Size: 2}}}
	a := Sample(vs, cfg, 7, 1)
	count := map[string]int{}
	for _, it := range a {
		count[it.Source]++
		if strings.HasSuffix(it.PassageID, ":rejected") {
			t.Errorf("sampled %s, which curation rejected", it.PassageID)
		}
		if it.Round != 1 || it.ItemID != "q1" || it.Answer != "Paris" || it.Text == "" {
			t.Errorf("item %+v lacks its round, item, claim or text", it)
		}
	}
	if count["wiki"] != 3 || count["wordnet"] != 2 {
		t.Errorf("sample per source = %v; want wiki 3 (30%% of 10), wordnet 2 (its size)", count)
	}
	if b := Sample(vs, cfg, 7, 1); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("same seed, different samples:\n%v\n%v", a, b)
	}
	differs := false
	for seed := int64(8); seed < 18 && !differs; seed++ {
		differs = fmt.Sprint(Sample(vs, cfg, seed, 1)) != fmt.Sprint(a)
	}
	if !differs {
		t.Error("ten other seeds all drew the same sample")
	}
	if Sample(vs, nil, 7, 1) != nil {
		t.Error("a nil config sampled passages")
	}
}

// sampleRun writes a run folder with round 1's sample of vs.
func sampleRun(t *testing.T, vs []curate.Verdict, cfg *config.ReviewConfig) (string, []Item) {
	t.Helper()
	dir := t.TempDir()
	items := Sample(vs, cfg, 1, 1)
	if err := WriteSample(dir, 1, items); err != nil {
		t.Fatal(err)
	}
	return dir, items
}

func TestDecideAndPending(t *testing.T) {
	cfg := &config.ReviewConfig{Size: 2}
	dir, items := sampleRun(t, verdicts(4, "wiki"), cfg)
	if p, err := Pending(dir); err != nil || len(p) != 2 {
		t.Fatalf("Pending = %d items, %v; want 2", len(p), err)
	}
	if err := Decide(dir, 1, items[0].PassageID, Reject, "ana", "wrong capital"); err != nil {
		t.Fatal(err)
	}
	if err := Decide(dir, 1, items[0].PassageID, Approve, "bo", "checked again"); err != nil {
		t.Fatal(err)
	}
	p, err := Pending(dir)
	if err != nil || len(p) != 1 || p[0].PassageID != items[1].PassageID {
		t.Fatalf("Pending after a decision = %v, %v; want only %s", p, err, items[1].PassageID)
	}
	ds, err := Decisions(dir, 1)
	if err != nil || len(ds) != 2 || ds[1].Who != "bo" || ds[1].At.IsZero() {
		t.Fatalf("Decisions = %+v, %v; want both, the latest by bo with a time", ds, err)
	}
	q, err := Queue(dir, 1)
	if err != nil || q[0].Decision == nil || q[0].Decision.Verdict != Approve || q[1].Decision != nil {
		t.Fatalf("Queue = %+v, %v; want the first approved, the second pending", q, err)
	}
}

func TestDecideBadInput(t *testing.T) {
	dir, items := sampleRun(t, verdicts(4, "wiki"), &config.ReviewConfig{Size: 2})
	before, _ := os.ReadFile(rundir.ReviewDecisionsPath(dir, 1))
	for _, tc := range []struct {
		name             string
		round            int
		id, verdict, who string
		want             string
	}{
		{"unknown passage", 1, "wiki:nope", Approve, "ana", `passage "wiki:nope" is not in round 1's review sample`},
		{"round without sample", 2, items[0].PassageID, Approve, "ana", "round 2"},
		{"bad verdict", 1, items[0].PassageID, "maybe", "ana", `unknown verdict "maybe"`},
		{"nobody", 1, items[0].PassageID, Approve, " ", "who decided is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Decide(dir, tc.round, tc.id, tc.verdict, tc.who, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decide = %v; want an error containing %q", err, tc.want)
			}
		})
	}
	// All or none: one bad decision among good ones writes nothing.
	err := DecideAll(dir, []Decision{{Round: 1, PassageID: items[0].PassageID, Verdict: Approve, Who: "ana"},
		{Round: 1, PassageID: "wiki:nope", Verdict: Approve, Who: "ana"}})
	if err == nil {
		t.Error("DecideAll with an unknown passage succeeded")
	}
	after, _ := os.ReadFile(rundir.ReviewDecisionsPath(dir, 1))
	if string(before) != string(after) {
		t.Errorf("refused decisions changed the decisions file: %q", after)
	}
	if err := Decide(t.TempDir()+"/missing", 1, "x", Approve, "ana", ""); err == nil {
		t.Error("Decide on a missing run folder succeeded")
	}
}

func TestDecideLockedRun(t *testing.T) {
	dir, items := sampleRun(t, verdicts(4, "wiki"), &config.ReviewConfig{Size: 2})
	lock, err := runlock.Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = Decide(dir, 1, items[0].PassageID, Approve, "ana", "")
	var held *runlock.HeldError
	if !errors.As(err, &held) {
		t.Errorf("Decide on a locked run = %v; want a *runlock.HeldError", err)
	}
	if _, err := os.Stat(rundir.ReviewDecisionsPath(dir, 1)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Decide on a locked run wrote the decisions file (%v)", err)
	}
	lock.Release()
	if err := Decide(dir, 1, items[0].PassageID, Approve, "ana", ""); err != nil {
		t.Errorf("Decide after the lock's release = %v", err)
	}
}

func TestApply(t *testing.T) {
	vs := verdicts(10, "wiki", "wordnet")
	cfg := &config.ReviewConfig{Size: 4, MaxRejectRate: 0.5}
	sample := Sample(vs, cfg, 3, 1)
	var ds []Decision
	wikiRejects := 0
	for _, it := range sample {
		v := Approve
		// wiki: 3 of 4 rejected (over the limit); wordnet: 1 of 4.
		if (it.Source == "wiki" && wikiRejects < 3) || (it.Source == "wordnet" && len(ds) == 4) {
			v = Reject
			if it.Source == "wiki" {
				wikiRejects++
			}
		}
		ds = append(ds, Decision{Round: 1, PassageID: it.PassageID, Verdict: v, Who: "ana", Note: "n"})
	}
	out, oc := Apply(vs, sample, ds, cfg)
	if oc.Sampled != 8 || oc.Rejected != 4 || oc.Approved != 4 || oc.Pending != 0 {
		t.Errorf("outcome = %+v; want 8 sampled, 4 rejected, 4 approved", oc)
	}
	if len(oc.Dropped) != 1 || !strings.Contains(oc.Dropped["wiki"], "3 of 4") {
		t.Errorf("dropped = %v; want wiki, 3 of 4 rejected", oc.Dropped)
	}
	kept := map[string]int{}
	filters := map[string]int{}
	for i, v := range out {
		if v.Keep {
			kept[v.Passage.Source]++
		} else if vs[i].Keep {
			filters[v.Filter]++
			if v.Reason == "" {
				t.Errorf("%s rejected without a reason", v.Passage.ID)
			}
		}
	}
	if kept["wiki"] != 0 || kept["wordnet"] != 9 {
		t.Errorf("kept per source = %v; want wiki 0 (dropped), wordnet 9 (one rejected)", kept)
	}
	if filters[FilterPassage] != 4 || filters[FilterSource] != 7 {
		t.Errorf("new rejects per filter = %v; want review 4, review-source 7", filters)
	}
	if !vs[0].Keep || len(vs[0].Events) != 0 {
		t.Error("Apply modified its input")
	}
	// Undecided passages are kept and counted as pending.
	_, oc = Apply(vs, sample, ds[:2], cfg)
	if oc.Pending != 6 {
		t.Errorf("pending with two decisions = %d; want 6", oc.Pending)
	}
}
