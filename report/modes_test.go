package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cemlab/cem/rundir"
)

// TestScoringColumn: the run table says how each round was answered.
func TestScoringColumn(t *testing.T) {
	s := &rundir.Summary{Name: "x", Rounds: []rundir.RoundMetrics{
		{Round: 0, Suites: []rundir.SuiteMetrics{{Name: "exam", Modes: map[string]int{"likelihood": 4}}}},
		{Round: 1, Gate: rundir.Gate{Accepted: true}, Suites: []rundir.SuiteMetrics{{Name: "exam",
			Modes: map[string]int{"letter-logprobs": 6, "letter-generated": 1, "failed": 1}}}},
	}}
	var b bytes.Buffer
	if err := Table(&b, s); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"scoring", "likelihood", "letter-logprobs 75%, failed 12%, letter-generated 12%"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
