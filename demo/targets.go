package demo

import (
	"fmt"

	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/rundir"
)

// Targets measures a CEM run (and its random baseline, when not nil)
// against the demo's goals: exam +30 points over the rounds, heldout +10,
// the random baseline gaining less than half of CEM's exam gain, and at
// most 2 points lost on the general suite.
func Targets(cem, random *rundir.Summary) []report.Target {
	_, examGain, _ := report.Final(cem, "exam")
	_, heldGain, _ := report.Final(cem, "heldout")
	_, genGain, _ := report.Final(cem, "general")
	ts := []report.Target{
		{Name: "exam accuracy gain", Goal: "≥ +30 points", Measured: fmt.Sprintf("%+.1f", examGain), Met: examGain >= 30},
		{Name: "heldout accuracy gain", Goal: "≥ +10 points", Measured: fmt.Sprintf("%+.1f", heldGain), Met: heldGain >= 10},
	}
	if random != nil {
		// The gate may roll every random round back; judge the baseline by
		// the best exam gain any of its rounds reached, accepted or not.
		_, rg, _ := report.Final(random, "exam")
		for _, m := range random.Rounds {
			for _, s := range m.Suites {
				if s.Name == "exam" && m.Round > 0 && s.Gain > rg {
					rg = s.Gain
				}
			}
		}
		ts = append(ts, report.Target{Name: "random baseline best exam gain", Goal: fmt.Sprintf("< half of CEM's (%+.1f)", examGain/2),
			Measured: fmt.Sprintf("%+.1f", rg), Met: examGain > 0 && rg < examGain/2})
	}
	// The gate watched the general suite's dev half; forgetting is judged
	// on the test half it never saw (the last accepted round's), and on ood.
	testDrop, ok := lastAcceptedTestDrop(cem)
	if !ok {
		testDrop = max(0, -genGain)
	}
	ts = append(ts, report.Target{Name: "forgetting on general-test", Goal: "≤ 2 points", Measured: fmt.Sprintf("%.1f", testDrop), Met: testDrop <= 2})
	if _, oodGain, ok := report.Final(cem, "ood"); ok {
		ts = append(ts, report.Target{Name: "ood lost", Goal: "≤ 3 points", Measured: fmt.Sprintf("%.1f", max(0, -oodGain)), Met: -oodGain <= 3})
	}
	return ts
}

// lastAcceptedTestDrop is the general-test forgetting of the last
// accepted round (ok false when no round after 0 was accepted).
func lastAcceptedTestDrop(s *rundir.Summary) (float64, bool) {
	drop, ok := 0.0, false
	for _, m := range s.Rounds {
		if m.Round > 0 && m.Gate.Accepted {
			drop, ok = m.ForgettingTest, true
		}
	}
	return drop, ok
}

// EfficiencyTargets measures the data-efficiency run (points as
// report.Efficiency gives them, CEM's first): the random-evidence run at
// the largest scale must gain less than CEM at 1x on heldout (the
// questions training never asks in their form) and on the exam. No
// points, no targets.
func EfficiencyTargets(points []report.EfficiencyPoint) []report.Target {
	if len(points) < 2 {
		return nil
	}
	cem, top := points[0], points[len(points)-1]
	var ts []report.Target
	for _, su := range []string{"heldout", "exam"} {
		ts = append(ts, report.Target{Name: fmt.Sprintf("random-evidence %s: %s gain", top.Label, su),
			Goal: fmt.Sprintf("< CEM 1x's (%+.1f)", cem.Gains[su]), Measured: fmt.Sprintf("%+.1f", top.Gains[su]),
			Met: top.Gains[su] < cem.Gains[su]})
	}
	return ts
}
