package headline

import (
	"testing"

	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/rundir"
)

// TestForgettingIsTheTestHalf: the headline reports forgetting on the
// general test half the gate never sees, not the dev half the gate
// limits; a round without a split falls back to the gate's drop.
func TestForgettingIsTheTestHalf(t *testing.T) {
	half := &metrics.Interval{P: 0.5}
	tests := []struct {
		name string
		m    rundir.RoundMetrics
		want float64
	}{
		{"split: test half", rundir.RoundMetrics{Suites: []rundir.SuiteMetrics{{Name: "general", Dev: half, Test: half}},
			Gate: rundir.Gate{Forgetting: 0}, ForgettingTest: 0.5}, 0.5},
		{"split: nothing lost on test", rundir.RoundMetrics{Suites: []rundir.SuiteMetrics{{Name: "general", Dev: half, Test: half}},
			Gate: rundir.Gate{Forgetting: 1.5}}, 0},
		{"no split: the gate's drop", rundir.RoundMetrics{Suites: []rundir.SuiteMetrics{{Name: "general"}},
			Gate: rundir.Gate{Forgetting: 1.5}}, 1.5},
	}
	for _, tt := range tests {
		if got := forgetting(tt.m); got != tt.want {
			t.Errorf("%s: forgetting %v, want %v", tt.name, got, tt.want)
		}
	}
}
