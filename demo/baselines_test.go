package demo

import (
	"slices"
	"testing"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/report"
)

func TestBaselinePlan(t *testing.T) {
	names := func(plan []BaselineRun) []string {
		var out []string
		for _, b := range plan {
			out = append(out, b.Name)
		}
		return out
	}
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"default", Options{}, []string{"random", "rag"}},
		{"none", Options{NoBaseline: true, Efficiency: true}, nil},
		{"chosen", Options{Baselines: []string{"untargeted", " rag"}}, []string{"untargeted", "rag"}},
		{"efficiency shares random-evidence 1x", Options{Baselines: []string{"random-evidence", "rag"}, Efficiency: true},
			[]string{"random-evidence", "rag", "random-evidence-2x", "random-evidence-5x"}},
		{"efficiency alone", Options{Baselines: []string{}, Efficiency: true}, []string{"random-evidence", "random-evidence-2x", "random-evidence-5x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := baselinePlan(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(plan); !slices.Equal(got, tt.want) {
				t.Errorf("plan = %v; want %v", got, tt.want)
			}
		})
	}
	if _, err := baselinePlan(Options{Baselines: []string{"lucky"}}); err == nil {
		t.Errorf("baselinePlan(lucky) succeeded; want an error naming the modes")
	}
	cfg := &config.Config{Name: "cem"}
	c := baselineConfig(cfg, BaselineRun{Name: "random-evidence-5x", Mode: config.BaselineRandomEvidence, Scale: 5})
	if c.Name != "random-evidence-5x" || c.Baseline != config.BaselineRandomEvidence || c.BaselineScale != 5 || cfg.Baseline != "" {
		t.Errorf("baselineConfig = %s %s %g (CEM's now %q); want random-evidence-5x at scale 5, CEM's unchanged", c.Name, c.Baseline, c.BaselineScale, cfg.Baseline)
	}
	runs := efficiencyRuns("cem", []BaselineRun{{Mode: config.BaselineRandomEvidence, Scale: 5, Dir: "r5"}, {Mode: config.BaselineRAG, Dir: "rag"},
		{Mode: config.BaselineRandomEvidence, Scale: 1, Dir: "r1"}})
	if want := []report.EfficiencyRun{{Series: "CEM", Label: "1x", Dir: "cem"}, {Series: "random-evidence", Label: "1x", Dir: "r1"},
		{Series: "random-evidence", Label: "5x", Dir: "r5"}}; !slices.Equal(runs, want) {
		t.Errorf("efficiencyRuns = %v; want %v", runs, want)
	}
}

func TestEfficiencyTargets(t *testing.T) {
	pt := func(series, label string, exam, held float64) report.EfficiencyPoint {
		return report.EfficiencyPoint{Series: series, Label: label, Gains: map[string]float64{"exam": exam, "heldout": held}}
	}
	ts := EfficiencyTargets([]report.EfficiencyPoint{pt("CEM", "1x", 30, 10), pt("random-evidence", "1x", 5, 0), pt("random-evidence", "5x", 12, 11)})
	if len(ts) != 2 || ts[0].Met || !ts[1].Met || ts[0].Name != "random-evidence 5x: heldout gain" {
		t.Errorf("EfficiencyTargets = %+v; want heldout missed (+11 >= +10), exam met (+12 < +30)", ts)
	}
	// A rolled-back random run is read at its last round, not at the
	// nothing it kept.
	rolled := pt("random-evidence", "5x", 0, 0)
	rolled.Last = map[string]float64{"exam": 35, "heldout": 12}
	ts = EfficiencyTargets([]report.EfficiencyPoint{pt("CEM", "1x", 30, 10), rolled})
	if len(ts) != 2 || ts[0].Met || ts[1].Met {
		t.Errorf("EfficiencyTargets of a rolled-back run = %+v; want both missed (last round +12, +35)", ts)
	}
	if ts := EfficiencyTargets(nil); ts != nil {
		t.Errorf("EfficiencyTargets(nil) = %v; want none", ts)
	}
}
