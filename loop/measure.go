package loop

import (
	"strings"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/model"
)

// trainStats is what a round trained on, for its metrics.
type trainStats struct {
	examples []model.Example
	verdicts []curate.Verdict
	tokens   func(string) int
}

// outcomes groups answers into per-suite outcomes.
func outcomes(answers []rundir.Answer) metrics.Snapshot {
	snap := metrics.Snapshot{}
	for _, a := range answers {
		o := snap[a.Suite]
		if o == nil {
			o = metrics.Outcomes{}
			snap[a.Suite] = o
		}
		o[a.ID] = a.Correct
	}
	return snap
}

// matrixOf is the accuracy matrix of the accepted answers per round.
func matrixOf(history [][]rundir.Answer) metrics.Matrix {
	snaps := make([]metrics.Snapshot, len(history))
	for r, h := range history {
		snaps[r] = outcomes(h)
	}
	return metrics.NewMatrix(snaps)
}

// roundMetrics measures the candidate answers of round r against the
// accepted state s (which does not yet include round r).
func roundMetrics(r int, suites []Suite, s *state, answers []rundir.Answer, mistakes []mistake.Mistake, ts trainStats) rundir.RoundMetrics {
	cur := outcomes(answers)
	prev := outcomes(s.answers)
	base := outcomes(s.history[0])
	m := rundir.RoundMetrics{Round: r, Mined: len(mistakes)}
	mined := minedFacts(suites, s, mistakes)
	var general []string
	for _, su := range suites {
		acc := metrics.Accuracy(cur[su.Name])
		sm := rundir.SuiteMetrics{Name: su.Name, Role: su.Role, Acc: acc,
			Gain: 100 * (acc.P - metrics.Accuracy(base[su.Name]).P)}
		weights := make(map[string]float64, len(su.Items))
		for _, it := range su.Items {
			weights[it.ID] = it.Weight
		}
		sm.Weighted = metrics.WeightedAccuracy(cur[su.Name], weights)
		sm.Chance = chance(su.Items)
		if r > 0 {
			c := metrics.NewChurn(prev[su.Name], cur[su.Name])
			sm.Fixed, sm.Broken = len(c.Fixed), len(c.Broken)
			sm.McNemar = metrics.McNemar(prev[su.Name], cur[su.Name])
			vs0 := metrics.McNemar(base[su.Name], cur[su.Name])
			sm.McNemarBase = &vs0
		}
		sm.Modes, sm.Failures = modesOf(answers, su.Name)
		sm.Parts = probeParts(r, su.Items, mined, base[su.Name], cur[su.Name])
		if su.Role == config.RoleGeneral {
			general = append(general, su.Name)
			splitGeneral(&sm, s.summary.Seed, su.Items, base[su.Name], cur[su.Name])
			m.ForgettingTest = max(m.ForgettingTest, -sm.TestGain)
		}
		m.Suites = append(m.Suites, sm)
	}
	if r == 0 {
		return m
	}

	// Forgetting on the general suites, with the candidate as row r.
	rows := append(append([][]rundir.Answer(nil), s.history...), answers)
	if f, ok := matrixOf(rows).Forgetting(r, general...); ok {
		m.Forgetting = 100 * f
	}
	// Outcomes per round keyed by itemKey, the candidate's last.
	hist := make([]metrics.Outcomes, len(rows))
	for i, row := range rows {
		o := metrics.Outcomes{}
		for _, a := range row {
			o[itemKey(a.Suite, a.ID)] = a.Correct
		}
		hist[i] = o
	}

	// Targeted fix rate over the mined items.
	targets := make([]string, len(mistakes))
	for i, mi := range mistakes {
		targets[i] = itemKey(mi.Suite, mi.Item.ID)
	}
	m.Targeted = metrics.TargetedFixRate(targets, hist[len(hist)-1])

	// BWT on the mined items (not the general suite): do later rounds
	// undo earlier fixes?
	tasks := append(append([][]string(nil), s.mined...), targets)
	if b, ok := metrics.BWT(hist, tasks); ok {
		m.BWT = 100 * b
	}

	count := ts.tokens
	if count == nil {
		count = func(s string) int { return len(strings.Fields(s)) }
	}
	m.Tokens, m.Examples, m.LossTokens = map[string]int{}, map[string]int{}, map[string]int{}
	for _, e := range ts.examples {
		m.Tokens[e.Kind] += count(e.Prompt) + count(e.Text)
		m.LossTokens[e.Kind] += count(e.Text) // the prompt carries no loss
		m.Examples[e.Kind]++
	}
	m.Candidates = len(ts.verdicts)
	for _, v := range ts.verdicts {
		if v.Keep {
			m.Evidence++
			continue
		}
		if m.Rejects == nil {
			m.Rejects = map[string]int{}
		}
		m.Rejects[v.Filter]++
	}
	return m
}

// modesOf counts suite's answers by answering mode, and its failures.
func modesOf(answers []rundir.Answer, suite string) (map[string]int, int) {
	var modes map[string]int
	failures := 0
	for _, a := range answers {
		if a.Suite != suite || a.Mode == "" {
			continue
		}
		if modes == nil {
			modes = map[string]int{}
		}
		modes[a.Mode]++
		if a.Error != "" {
			failures++
		}
	}
	return modes, failures
}

// chance is the expected accuracy of a uniform guess on items: the mean
// of 1/len(choices) over multiple-choice items, open items counting 0.
func chance(items []exam.Item) float64 {
	if len(items) == 0 {
		return 0
	}
	var sum float64
	for i := range items {
		if n := len(items[i].Choices); n > 0 && !items[i].Answer.IsOpen() {
			sum += 1 / float64(n)
		}
	}
	return sum / float64(len(items))
}

// splitGeneral fills sm's dev and test halves of a general suite (split by
// seed, see metrics.SplitDevTest) from the round-0 and current outcomes.
func splitGeneral(sm *rundir.SuiteMetrics, seed int64, items []exam.Item, base, cur metrics.Outcomes) {
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	dev, test := metrics.SplitDevTest(seed, ids)
	d, t := metrics.Accuracy(cur.Subset(dev)), metrics.Accuracy(cur.Subset(test))
	sm.Dev, sm.Test = &d, &t
	sm.DevGain = 100 * (d.P - metrics.Accuracy(base.Subset(dev)).P)
	sm.TestGain = 100 * (t.P - metrics.Accuracy(base.Subset(test)).P)
}
