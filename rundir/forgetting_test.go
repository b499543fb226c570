package rundir

import (
	"testing"

	"github.com/cemlab/cem/metrics"
)

// TestReportedForgetting: a round reports forgetting on the general
// test half the gate never sees, not the dev half the gate limits; a
// round without a split falls back to the gate's drop.
func TestReportedForgetting(t *testing.T) {
	half := &metrics.Interval{P: 0.5}
	tests := []struct {
		name string
		m    RoundMetrics
		want float64
	}{
		{"split: test half", RoundMetrics{Suites: []SuiteMetrics{{Name: "general", Dev: half, Test: half}},
			Gate: Gate{Forgetting: 0}, ForgettingTest: 0.5}, 0.5},
		{"split: nothing lost on test", RoundMetrics{Suites: []SuiteMetrics{{Name: "general", Dev: half, Test: half}},
			Gate: Gate{Forgetting: 1.5}}, 0},
		{"no split: the gate's drop", RoundMetrics{Suites: []SuiteMetrics{{Name: "general"}},
			Gate: Gate{Forgetting: 1.5}}, 1.5},
	}
	for _, tt := range tests {
		if got := tt.m.ReportedForgetting(); got != tt.want {
			t.Errorf("%s: forgetting %v, want %v", tt.name, got, tt.want)
		}
	}
}
