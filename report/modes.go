package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cemlab/cem/rundir"
)

// scoredModes reports whether any round records how its items were answered.
func scoredModes(s *rundir.Summary) bool {
	for _, m := range s.Rounds {
		for _, sm := range m.Suites {
			if len(sm.Modes) > 0 {
				return true
			}
		}
	}
	return false
}

// modeCell says how a round's items were answered, most frequent mode
// first ("likelihood", "letter-logprobs 90%, letter-generated 10%"),
// with the failed items counted.
func modeCell(m rundir.RoundMetrics) string {
	counts := map[string]int{}
	total := 0
	for _, sm := range m.Suites {
		for k, n := range sm.Modes {
			counts[k] += n
			total += n
		}
	}
	if total == 0 {
		return "-"
	}
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
	})
	if len(keys) == 1 {
		return keys[0]
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.0f%%", k, 100*float64(counts[k])/float64(total))
	}
	return strings.Join(parts, ", ")
}
