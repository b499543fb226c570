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
	ts = append(ts, report.Target{Name: "forgetting on general", Goal: "≤ 2 points", Measured: fmt.Sprintf("%.1f", max(0, -genGain)), Met: -genGain <= 2})
	return ts
}
