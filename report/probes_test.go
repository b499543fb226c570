package report

import (
	"strings"
	"testing"

	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/rundir"
)

func TestWriteProbes(t *testing.T) {
	mc := metrics.McNemarCounts(0, 4)
	s := &rundir.Summary{Rounds: []rundir.RoundMetrics{
		{Round: 0, Suites: []rundir.SuiteMetrics{{Name: "heldout", Parts: []rundir.PartMetrics{
			{Name: "reverse", Probe: "reverse", Acc: metrics.Interval{P: 0.25, N: 8}},
			{Name: "interference", Probe: "interference", Acc: metrics.Interval{P: 0.5, N: 4}}}}}},
		{Round: 1, Suites: []rundir.SuiteMetrics{{Name: "heldout", Parts: []rundir.PartMetrics{
			{Name: "reverse", Probe: "reverse", Acc: metrics.Interval{P: 0.75, N: 8}, Gain: 50, McNemarBase: &mc},
			{Name: "reverse mined", Probe: "reverse", Mined: "mined", Acc: metrics.Interval{P: 1, N: 4}, Gain: 75, McNemarBase: &mc},
			{Name: "interference", Probe: "interference", Acc: metrics.Interval{P: 0.25, N: 4}, Gain: -25, McNemarBase: &mc, MaxLoss: 45}}}}},
	}}
	var b strings.Builder
	if err := WriteProbes(&b, s); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"(+50.0, p=0.12)", "lost 25.0, ceiling 45.0", "reverse mined", "round 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("WriteProbes output lacks %q:\n%s", want, out)
		}
	}
	rows := ProbeRows(s)
	if len(rows) != 3 || rows[1].Part != "reverse mined" || rows[1].Cells[0] != "-" {
		t.Errorf("ProbeRows = %+v; want reverse, reverse mined (no round-0 cell), interference", rows)
	}
	b.Reset()
	if err := WriteProbes(&b, &rundir.Summary{Rounds: []rundir.RoundMetrics{{}}}); err != nil || b.Len() != 0 {
		t.Errorf("WriteProbes(no probes) = %q, %v; want nothing", b.String(), err)
	}
}
