package loop

import (
	"slices"
	"strings"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/rundir"
)

// minedFacts are the facts (exam.Item.Fact) of the items mined in the
// accepted rounds so far and of this round's mistakes.
func minedFacts(suites []Suite, s *state, mistakes []mistake.Mistake) map[string]bool {
	keys := map[string]bool{}
	for _, round := range s.mined {
		for _, k := range round {
			keys[k] = true
		}
	}
	facts := map[string]bool{}
	for _, su := range suites {
		for _, it := range su.Items {
			if it.Fact != "" && keys[itemKey(su.Name, it.ID)] {
				facts[it.Fact] = true
			}
		}
	}
	for _, m := range mistakes {
		if m.Item.Fact != "" {
			facts[m.Item.Fact] = true
		}
	}
	return facts
}

// probeParts breaks a suite's probe items down (see rundir.PartMetrics):
// base and cur are the suite's outcomes at round 0 and now, mined the
// facts mined so far. It returns nil for a suite without probes.
func probeParts(r int, items []exam.Item, mined map[string]bool, base, cur metrics.Outcomes) []PartMetrics {
	type sel struct {
		name, probe, mined, fam string
		keep                    func(exam.Item) bool
	}
	var kinds, fams []string
	for _, it := range items {
		if it.Probe != "" && !slices.Contains(kinds, it.Probe) {
			kinds = append(kinds, it.Probe)
		}
		if it.Familiarity != "" && !slices.Contains(fams, it.Familiarity) {
			fams = append(fams, it.Familiarity)
		}
	}
	if len(kinds) == 0 {
		return nil
	}
	slices.SortFunc(kinds, func(a, b string) int { return slices.Index(exam.ProbeKinds(), a) - slices.Index(exam.ProbeKinds(), b) })
	slices.Sort(fams)
	isMined := func(it exam.Item) bool { return it.About != "" && mined[it.About] }
	isKnowledge := func(it exam.Item) bool { return it.Probe != "" && it.Probe != exam.ProbeInterference }
	var sels []sel
	for _, k := range kinds {
		sels = append(sels, sel{k, k, "", "", func(it exam.Item) bool { return it.Probe == k }})
		if k == exam.ProbeInterference {
			continue
		}
		sels = append(sels,
			sel{k + " " + rundir.PartMined, k, rundir.PartMined, "", func(it exam.Item) bool { return it.Probe == k && isMined(it) }},
			sel{k + " " + rundir.PartNotMined, k, rundir.PartNotMined, "", func(it exam.Item) bool { return it.Probe == k && !isMined(it) }})
	}
	sels = append(sels, sel{"probes " + rundir.PartMined, "", rundir.PartMined, "", func(it exam.Item) bool { return isKnowledge(it) && isMined(it) }})
	// Matched: every distractor answers a mined fact too, so the gold is
	// no more familiar from training than the choices beside it.
	matched := func(it exam.Item) bool {
		for j, facts := range it.ChoiceAbout {
			if j != it.Answer.Index && !slices.ContainsFunc(strings.Split(facts, "|"), func(f string) bool { return mined[f] }) {
				return false
			}
		}
		return true
	}
	hasChoiceAbout := func(it exam.Item) bool { return isKnowledge(it) && isMined(it) && it.ChoiceAbout != nil }
	sels = append(sels,
		sel{"probes " + rundir.PartMined + ", " + rundir.PartMatched, "", rundir.PartMined, "", func(it exam.Item) bool { return hasChoiceAbout(it) && matched(it) }},
		sel{"probes " + rundir.PartMined + ", " + rundir.PartUnmatched, "", rundir.PartMined, "", func(it exam.Item) bool { return hasChoiceAbout(it) && !matched(it) }})
	for _, f := range fams {
		sels = append(sels, sel{"familiarity " + f, "", "", f, func(it exam.Item) bool { return it.Probe != "" && it.Familiarity == f }})
	}
	var out []PartMetrics
	for _, s := range sels {
		var ids []string
		for _, it := range items {
			if s.keep(it) {
				ids = append(ids, it.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		now, then := cur.Subset(ids), base.Subset(ids)
		acc, acc0 := metrics.Accuracy(now), metrics.Accuracy(then)
		p := PartMetrics{Name: s.name, Probe: s.probe, Mined: s.mined, Familiarity: s.fam, Acc: acc, Gain: 100 * (acc.P - acc0.P)}
		if d, ok := strings.CutPrefix(s.name, "probes "+rundir.PartMined+", "); ok {
			p.Distractors = d
		}
		if r > 0 {
			t := metrics.McNemar(then, now)
			p.McNemarBase = &t
			if s.probe == exam.ProbeInterference {
				p.MaxLoss = max(0, 100*(acc0.P-acc.Low))
			}
		}
		out = append(out, p)
	}
	return out
}

// PartMetrics are one subset of a probe suite at one round.
type PartMetrics = rundir.PartMetrics
