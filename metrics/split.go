package metrics

import (
	"hash/fnv"
	"slices"
	"strconv"
)

// SplitDevTest divides item ids into two disjoint halves by seed: dev
// (the larger when the count is odd) and test. The order of the ids
// given does not matter and the same seed and ids always give the same
// halves, so every round of a run splits a suite alike. cem gates on the
// dev half of each general suite and reports forgetting on the test half,
// so that the gate's accept decision does not select for the number it
// is judged by.
func SplitDevTest(seed int64, ids []string) (dev, test []string) {
	type keyed struct {
		h  uint64
		id string
	}
	ks := make([]keyed, 0, len(ids))
	prefix := strconv.FormatInt(seed, 10) + "\x00"
	for _, id := range ids {
		f := fnv.New64a()
		f.Write([]byte(prefix + id))
		ks = append(ks, keyed{f.Sum64(), id})
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		if a.id < b.id {
			return -1
		}
		if a.id > b.id {
			return 1
		}
		return 0
	})
	nd := (len(ks) + 1) / 2
	for i, k := range ks {
		if i < nd {
			dev = append(dev, k.id)
		} else {
			test = append(test, k.id)
		}
	}
	return dev, test
}

// Subset returns the outcomes of o for the given ids (those present).
func (o Outcomes) Subset(ids []string) Outcomes {
	out := make(Outcomes, len(ids))
	for _, id := range ids {
		if v, ok := o[id]; ok {
			out[id] = v
		}
	}
	return out
}
