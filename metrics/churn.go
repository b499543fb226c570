package metrics

import "slices"

// Churn is how item correctness changed between two rounds, over the item
// ids present in both.
type Churn struct {
	Fixed       []string `json:"fixed"`  // wrong before, right now; sorted
	Broken      []string `json:"broken"` // right before, wrong now; sorted
	StayedRight int      `json:"stayed_right"`
	StayedWrong int      `json:"stayed_wrong"`
	Common      int      `json:"common"` // items present in both rounds
}

// Net is len(Fixed) - len(Broken).
func (c Churn) Net() int { return len(c.Fixed) - len(c.Broken) }

// NewChurn compares prev (the earlier round) with cur.
func NewChurn(prev, cur Outcomes) Churn {
	var c Churn
	for id, now := range cur {
		before, ok := prev[id]
		if !ok {
			continue
		}
		c.Common++
		switch {
		case before && now:
			c.StayedRight++
		case !before && !now:
			c.StayedWrong++
		case now:
			c.Fixed = append(c.Fixed, id)
		default:
			c.Broken = append(c.Broken, id)
		}
	}
	slices.Sort(c.Fixed)
	slices.Sort(c.Broken)
	return c
}

// TargetedFixRate is the share of targets (the item ids mined as mistakes
// in the previous round and trained on) that are right in cur, with its
// Wilson 95 % interval. Targets missing from cur are left out of the
// denominator; duplicate ids count once.
func TargetedFixRate(targets []string, cur Outcomes) Interval {
	k, n := 0, 0
	seen := map[string]bool{}
	for _, id := range targets {
		ok, present := cur[id]
		if !present || seen[id] {
			continue
		}
		seen[id] = true
		n++
		if ok {
			k++
		}
	}
	return Wilson95(k, n)
}

// RightIDs returns the sorted ids of the items answered correctly in o;
// with BWT it measures backward transfer on previously-right items.
func RightIDs(o Outcomes) []string {
	var ids []string
	for id, ok := range o {
		if ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
