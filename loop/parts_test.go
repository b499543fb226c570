package loop

import (
	"math"
	"strings"
	"testing"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/metrics"
)

func TestProbeParts(t *testing.T) {
	items := []exam.Item{
		{ID: "p1", Probe: exam.ProbeParaphrase, About: "f1", Familiarity: "withheld",
			Choices: []string{"x", "y"}, Answer: exam.Answer{Index: 0}, ChoiceAbout: []string{"f1", "f2"}}, // f2 not mined: unmatched
		{ID: "p2", Probe: exam.ProbeParaphrase, About: "f2", Familiarity: "withheld"},
		{ID: "r1", Probe: exam.ProbeReverse, About: "f1", Familiarity: "withheld",
			Choices: []string{"x", "y"}, Answer: exam.Answer{Index: 1}, ChoiceAbout: []string{"f3|f1", "f1"}}, // matched
		{ID: "c1", Probe: exam.ProbeCollateral, About: "f1", Familiarity: "pretrained"},
		{ID: "i1", Probe: exam.ProbeInterference, Familiarity: "untaught"},
		{ID: "i2", Probe: exam.ProbeInterference, Familiarity: "untaught"},
	}
	base := metrics.Outcomes{"p1": false, "p2": false, "r1": false, "c1": false, "i1": true, "i2": true}
	cur := metrics.Outcomes{"p1": true, "p2": false, "r1": true, "c1": false, "i1": true, "i2": false}
	parts := probeParts(1, items, map[string]bool{"f1": true}, base, cur)
	want := map[string]struct {
		n    int
		gain float64
	}{
		"paraphrase": {2, 50}, "reverse": {1, 100}, "collateral": {1, 0}, "interference": {2, -50},
		"paraphrase mined": {1, 100}, "paraphrase not mined": {1, 0}, "reverse mined": {1, 100}, "collateral mined": {1, 0},
		"probes mined": {3, 200.0 / 3}, "probes mined, matched": {1, 100}, "probes mined, unmatched": {1, 100}, "familiarity withheld": {3, 200.0 / 3}, "familiarity pretrained": {1, 0}, "familiarity untaught": {2, -50},
	}
	got := map[string]bool{}
	for _, p := range parts {
		w, ok := want[p.Name]
		if !ok {
			t.Errorf("unexpected part %q", p.Name)
			continue
		}
		got[p.Name] = true
		if p.Acc.N != w.n || math.Abs(p.Gain-w.gain) > 1e-9 {
			t.Errorf("part %s: n = %d, gain = %.2f; want n %d, gain %.2f", p.Name, p.Acc.N, p.Gain, w.n, w.gain)
		}
		if d := strings.TrimPrefix(p.Name, "probes mined, "); d != p.Name && p.Distractors != d {
			t.Errorf("part %s: distractors = %q; want %q", p.Name, p.Distractors, d)
		}
		if p.McNemarBase == nil {
			t.Errorf("part %s: no McNemar against round 0", p.Name)
		}
		if p.Name == "interference" && (p.MaxLoss <= 50 || p.MaxLoss > 100) {
			t.Errorf("interference: max loss = %.1f; want above the 50 lost, at most 100", p.MaxLoss)
		}
	}
	if len(got) != len(want) {
		t.Errorf("parts = %d; want %d (%v)", len(got), len(want), parts)
	}
	if parts := probeParts(1, []exam.Item{{ID: "x"}}, nil, base, cur); parts != nil {
		t.Errorf("probeParts(no probes) = %v; want nil", parts)
	}
}
