package mistake

import (
	"cmp"
	"slices"

	"github.com/cemlab/cem/exam"
)

// Reason says why an item was mined.
type Reason string

// Reasons.
const (
	Wrong     Reason = "wrong"     // the model answered wrongly
	Uncertain Reason = "uncertain" // right, but by a margin below the threshold
)

// DefaultMargin is the probability margin between the two best choices
// below which a right answer counts as uncertain.
const DefaultMargin = 0.2

// Mistake is one mined item.
type Mistake struct {
	Item   exam.Item   `json:"item"`
	Result exam.Result `json:"result"`
	Reason Reason      `json:"reason"`
	// Priority is the item's weight (business priority); a zero or
	// negative weight counts as 1.
	Priority float64 `json:"priority"`
}

// MineOptions sets what Mine keeps. The zero value mines wrong items and
// right items with margin < DefaultMargin, without a cap.
type MineOptions struct {
	// Margin is the uncertainty threshold on Result.Margin (probability of
	// the best choice minus that of the second best); 0 means
	// DefaultMargin, a negative value disables uncertain mining.
	Margin float64
	// Budget caps the number of mistakes returned (0: no cap).
	Budget int
}

// Mine returns the items to learn from, best first.
//
// An item is mined as Wrong when its result is not Correct, and as
// Uncertain when it is Correct, has at least two choice scores
// (len(Result.Scores) >= 2: open questions have no margin) and
// Result.Margin < the margin threshold. Results are matched to items by
// id; results of unknown items and items without a result are skipped.
//
// Order: Priority descending, then Result.Confidence ascending (the least
// sure first), then item id, so the order is total and deterministic.
// With a Budget the first Budget mistakes are kept.
func Mine(items []exam.Item, results []exam.Result, opts MineOptions) []Mistake {
	margin := opts.Margin
	if margin == 0 {
		margin = DefaultMargin
	}
	byID := make(map[string]exam.Item, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	var out []Mistake
	for _, r := range results {
		it, ok := byID[r.ID]
		if !ok {
			continue
		}
		var reason Reason
		switch {
		case !r.Correct:
			reason = Wrong
		case margin > 0 && len(r.Scores) >= 2 && r.Margin < margin:
			reason = Uncertain
		default:
			continue
		}
		out = append(out, Mistake{Item: it, Result: r, Reason: reason, Priority: priority(it.Weight)})
	}
	slices.SortFunc(out, func(a, b Mistake) int {
		return cmp.Or(
			cmp.Compare(b.Priority, a.Priority),
			cmp.Compare(a.Result.Confidence, b.Result.Confidence),
			cmp.Compare(a.Item.ID, b.Item.ID),
		)
	})
	if opts.Budget > 0 && len(out) > opts.Budget {
		out = out[:opts.Budget]
	}
	return out
}

func priority(w float64) float64 {
	if w <= 0 {
		return 1
	}
	return w
}
