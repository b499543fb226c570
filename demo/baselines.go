package demo

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/rundir"
)

// DefaultBaselines are the baseline runs of a plain demo: the random text
// baseline (the targets' reference) and rag, which trains nothing and so
// costs one more exam, not another run of rounds. untargeted and
// random-evidence each cost as much as the CEM run; ask for them with
// Options.Baselines.
var DefaultBaselines = []string{config.BaselineRandom, config.BaselineRAG}

// EfficiencyScales are the loss-bearing token multiples random-evidence
// is run at by Options.Efficiency, against CEM at 1x.
var EfficiencyScales = []float64{1, 2, 5}

// BaselineRun is one baseline of a demo: its run name (the mode, with
// the scale when not 1, as in "random-evidence-5x"), config mode and
// scale, folder and summary.
type BaselineRun struct {
	Name    string
	Mode    string
	Scale   float64
	Dir     string
	Summary *rundir.Summary
}

// Title says what the baseline is, for tables.
func (b BaselineRun) Title() string {
	what := map[string]string{
		config.BaselineRandom:         "random corpus text as CPT",
		config.BaselineRandomEvidence: "the CEM recipe on random corpus passages",
		config.BaselineUntargeted:     "the CEM recipe on evidence for exam items drawn at random, as many as the mistakes",
		config.BaselineRAG:            "no training: the base model asked with its retrieved passages in the prompt",
	}[b.Mode]
	if what == "" {
		what = "the " + b.Mode + " ablation of the mix"
	}
	if config.Scalable(b.Mode) {
		what += fmt.Sprintf(", at %gx CEM's loss-bearing tokens", b.Scale)
	}
	return b.Name + " baseline (" + what + ")"
}

// baselinePlan lists the baseline runs opts asks for, in order: the
// Baselines (DefaultBaselines when nil, none with NoBaseline), then, with
// Efficiency, random-evidence at each of EfficiencyScales not already
// planned. It fails on an unknown mode.
func baselinePlan(opts Options) ([]BaselineRun, error) {
	if opts.NoBaseline {
		return nil, nil
	}
	modes := opts.Baselines
	if modes == nil {
		modes = DefaultBaselines
	}
	var plan []BaselineRun
	add := func(mode string, scale float64) {
		name := mode
		if scale != 1 {
			name = fmt.Sprintf("%s-%gx", mode, scale)
		}
		if !slices.ContainsFunc(plan, func(b BaselineRun) bool { return b.Name == name }) {
			plan = append(plan, BaselineRun{Name: name, Mode: mode, Scale: scale})
		}
	}
	for _, m := range modes {
		m = strings.TrimSpace(m)
		if !slices.Contains(config.Baselines(), m) {
			return nil, fmt.Errorf("demo: unknown baseline %q (want one of %s)", m, strings.Join(config.Baselines(), ", "))
		}
		add(m, 1)
	}
	if opts.Efficiency {
		for _, s := range EfficiencyScales {
			add(config.BaselineRandomEvidence, s)
		}
	}
	return plan, nil
}

// baselineConfig is the CEM config cfg turned into baseline b's.
func baselineConfig(cfg *config.Config, b BaselineRun) *config.Config {
	c := *cfg
	c.Name, c.Baseline, c.BaselineScale = b.Name, b.Mode, 0
	if b.Scale != 1 {
		c.BaselineScale = b.Scale
	}
	return &c
}

// efficiencyRuns are the report's data-efficiency series: CEM at 1x and
// every random-evidence run, by scale.
func efficiencyRuns(cemDir string, runs []BaselineRun) []report.EfficiencyRun {
	out := []report.EfficiencyRun{{Series: "CEM", Label: "1x", Dir: cemDir}}
	var rev []BaselineRun
	for _, b := range runs {
		if b.Mode == config.BaselineRandomEvidence {
			rev = append(rev, b)
		}
	}
	slices.SortStableFunc(rev, func(a, b BaselineRun) int { return cmp.Compare(a.Scale, b.Scale) })
	for _, b := range rev {
		out = append(out, report.EfficiencyRun{Series: "random-evidence", Label: fmt.Sprintf("%gx", b.Scale), Dir: b.Dir})
	}
	return out
}
