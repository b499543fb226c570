package demo

import (
	"testing"

	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/rundir"
)

// summary makes a one-round run: exam and general outcomes at rounds 0
// and 1, the round accepted or not; the general suite's loss is also the
// round's forgetting on general-test.
func summary(exam0, exam1, gen0, gen1 int, accepted bool) *rundir.Summary {
	out := func(k int) metrics.Outcomes {
		o := metrics.Outcomes{}
		for i := range 10 {
			o[string(rune('a'+i))] = i < k
		}
		return o
	}
	rows := []metrics.Snapshot{{"exam": out(exam0), "general": out(gen0)}}
	if accepted {
		rows = append(rows, metrics.Snapshot{"exam": out(exam1), "general": out(gen1)})
	} else {
		rows = append(rows, rows[0])
	}
	return &rundir.Summary{Matrix: metrics.NewMatrix(rows), Rounds: []rundir.RoundMetrics{{Round: 0},
		{Round: 1, Gate: rundir.Gate{Accepted: accepted}, ForgettingTest: max(0, float64(10*(gen0-gen1))), Suites: []rundir.SuiteMetrics{
			{Name: "exam", Gain: float64(10 * (exam1 - exam0))}, {Name: "general", Gain: float64(10 * (gen1 - gen0))}}}}}
}

// withProbes adds to s's round 1 a heldout suite whose mined probes
// gained probeGain points and an interference suite that gained
// interference points.
func withProbes(s *rundir.Summary, probeGain, interference float64) *rundir.Summary {
	mc := metrics.McNemarCounts(0, 10)
	r := &s.Rounds[1]
	r.Suites = append(r.Suites,
		rundir.SuiteMetrics{Name: "heldout", Parts: []rundir.PartMetrics{
			{Name: "probes mined", Mined: rundir.PartMined, Gain: probeGain, McNemarBase: &mc},
			{Name: "reverse mined", Probe: "reverse", Mined: rundir.PartMined, Gain: probeGain / 2}}},
		rundir.SuiteMetrics{Name: interferenceSuite, Parts: []rundir.PartMetrics{{Name: "interference", Probe: "interference", Gain: interference, MaxLoss: 9}}})
	return s
}

func TestTargets(t *testing.T) {
	tests := []struct {
		name   string
		cem    *rundir.Summary
		random *rundir.Summary
		met    []bool // exam, probes, [interference], random, forgetting
	}{
		{"probes met, interference lost too much", withProbes(summary(2, 6, 10, 10, true), 20, -5), nil, []bool{true, true, false, true}},
		{"probes short, interference held", withProbes(summary(2, 6, 10, 10, true), 10, -2), nil, []bool{true, false, true, true}},
		{"all met but probes", summary(2, 6, 10, 10, true), summary(2, 3, 10, 5, false), []bool{true, false, true, true}},
		{"random too strong", summary(2, 6, 10, 10, true), summary(2, 5, 10, 5, false), []bool{true, false, false, true}},
		{"forgot", summary(2, 6, 10, 9, true), nil, []bool{true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Targets(tt.cem, tt.random)
			if len(got) != len(tt.met) {
				t.Fatalf("Targets gave %d targets; want %d", len(got), len(tt.met))
			}
			for i, tg := range got {
				if tg.Met != tt.met[i] {
					t.Errorf("%s: met = %v (measured %s); want %v", tg.Name, tg.Met, tg.Measured, tt.met[i])
				}
			}
		})
	}
}

// TestTargetsLimitEdge: forgetting of exactly the limit meets the target,
// though 100*(1-392/400) is 2.0000000000000018 in floating point; more
// does not.
func TestTargetsLimitEdge(t *testing.T) {
	for _, tt := range []struct {
		drop float64
		met  bool
	}{{100 * (1 - 392.0/400), true}, {2.5, false}} {
		s := summary(2, 6, 10, 10, true)
		s.Rounds[1].ForgettingTest = tt.drop
		for _, tg := range Targets(s, nil) {
			if tg.Name == "forgetting on general-test" && tg.Met != tt.met {
				t.Errorf("forgetting %v: met = %v; want %v", tt.drop, tg.Met, tt.met)
			}
		}
	}
}
