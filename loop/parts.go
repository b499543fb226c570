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

// partSel selects the items of one part.
type partSel struct {
	rundir.PartMetrics // the selector fields (Name, Probe, Mined, Familiarity, Distractors)
	keep               func(exam.Item) bool
}

// probeParts breaks a suite's probe items down (see rundir.PartMetrics):
// base and cur are the suite's outcomes at round 0 and now, mined the
// facts mined so far. It returns nil for a suite without probes.
func probeParts(r int, items []exam.Item, mined map[string]bool, base, cur metrics.Outcomes) []rundir.PartMetrics {
	var out []rundir.PartMetrics
	for _, s := range partSels(items, mined) {
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
		p := s.PartMetrics
		p.Acc, p.Gain = acc, 100*(acc.P-acc0.P)
		if r > 0 {
			t := metrics.McNemar(then, now)
			p.McNemarBase = &t
			if p.Probe == exam.ProbeInterference {
				p.MaxLoss = max(0, 100*(acc0.P-acc.Low))
			}
		}
		out = append(out, p)
	}
	return out
}

// partSels are the parts of items, in report order (see
// rundir.PartMetrics); none when no item is a probe.
func partSels(items []exam.Item, mined map[string]bool) []partSel {
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
	// matched: every distractor answers a mined fact too, so the gold is
	// no more familiar from training than the choices beside it.
	matched := func(it exam.Item) bool {
		for j, facts := range it.ChoiceAbout {
			if j != it.Answer.Index && !slices.ContainsFunc(strings.Split(facts, "|"), func(f string) bool { return mined[f] }) {
				return false
			}
		}
		return true
	}
	part := func(name, probe, minedSel, fam, distractors string, keep func(exam.Item) bool) partSel {
		return partSel{rundir.PartMetrics{Name: name, Probe: probe, Mined: minedSel, Familiarity: fam, Distractors: distractors}, keep}
	}
	var sels []partSel
	for _, k := range kinds {
		sels = append(sels, part(k, k, "", "", "", func(it exam.Item) bool { return it.Probe == k }))
		if k == exam.ProbeInterference {
			continue
		}
		sels = append(sels,
			part(k+" "+rundir.PartMined, k, rundir.PartMined, "", "", func(it exam.Item) bool { return it.Probe == k && isMined(it) }),
			part(k+" "+rundir.PartNotMined, k, rundir.PartNotMined, "", "", func(it exam.Item) bool { return it.Probe == k && !isMined(it) }))
	}
	all := "probes " + rundir.PartMined
	minedKnowledge := func(it exam.Item) bool { return isKnowledge(it) && isMined(it) }
	sels = append(sels, part(all, "", rundir.PartMined, "", "", minedKnowledge),
		part(all+", "+rundir.PartMatched, "", rundir.PartMined, "", rundir.PartMatched,
			func(it exam.Item) bool { return minedKnowledge(it) && it.ChoiceAbout != nil && matched(it) }),
		part(all+", "+rundir.PartUnmatched, "", rundir.PartMined, "", rundir.PartUnmatched,
			func(it exam.Item) bool { return minedKnowledge(it) && it.ChoiceAbout != nil && !matched(it) }))
	for _, f := range fams {
		sels = append(sels, part("familiarity "+f, "", "", f, "", func(it exam.Item) bool { return it.Probe != "" && it.Familiarity == f }))
	}
	return sels
}
