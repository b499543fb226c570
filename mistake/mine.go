package mistake

import (
	"cmp"
	"math/rand/v2"
	"slices"

	"github.com/cemlab/cem/exam"
)

// Kind says why an item was mined.
type Kind string

// Kinds.
const (
	Wrong     Kind = "wrong"     // the model answered wrongly
	Uncertain Kind = "uncertain" // right, but by a margin below the threshold
	// Drawn items were drawn at random, whatever their result (the
	// untargeted baseline, see Draw).
	Drawn Kind = "drawn"
)

// DefaultMargin is the probability margin between the two best choices
// below which a right answer counts as uncertain.
const DefaultMargin = 0.2

// Mistake is one mined item: the record of a round's mistakes artifact.
type Mistake struct {
	Item  exam.Item `json:"item"`
	Suite string    `json:"suite"` // the suite the item came from
	Kind  Kind      `json:"kind"`
	// Priority is the item's weight (business priority); a zero or
	// negative weight counts as 1. Higher is mined first.
	Priority float64 `json:"priority"`
	// Prediction is what the model answered.
	Prediction string `json:"prediction,omitempty"`
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
// The mistakes' Suite is left empty (see MineSuites).
//
// Order: Priority descending, then Result.Confidence ascending (the least
// sure first), then item id, so the order is total and deterministic.
// With a Budget the first Budget mistakes are kept.
func Mine(items []exam.Item, results []exam.Result, opts MineOptions) []Mistake {
	return capped(mine(items, results, opts), opts.Budget)
}

// mine is Mine without the budget.
func mine(items []exam.Item, results []exam.Result, opts MineOptions) []Mistake {
	margin := opts.Margin
	if margin == 0 {
		margin = DefaultMargin
	}
	byID := make(map[string]exam.Item, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	type mined struct {
		m    Mistake
		conf float64
	}
	var found []mined
	for _, r := range results {
		it, ok := byID[r.ID]
		if !ok {
			continue
		}
		var kind Kind
		switch {
		case !r.Correct:
			kind = Wrong
		case margin > 0 && len(r.Scores) >= 2 && r.Margin < margin:
			kind = Uncertain
		default:
			continue
		}
		found = append(found, mined{Mistake{Item: it, Kind: kind, Priority: priority(it.Weight), Prediction: r.Prediction}, r.Confidence})
	}
	slices.SortFunc(found, func(a, b mined) int {
		return cmp.Or(
			cmp.Compare(b.m.Priority, a.m.Priority),
			cmp.Compare(a.conf, b.conf),
			cmp.Compare(a.m.Item.ID, b.m.Item.ID),
		)
	})
	out := make([]Mistake, len(found))
	for i, f := range found {
		out[i] = f.m
	}
	return out
}

// SuiteResults are one suite's items and the model's results on them.
type SuiteResults struct {
	Name    string
	Items   []exam.Item
	Results []exam.Result
}

// MineSuites mines every suite as Mine does, setting each mistake's
// Suite, then orders all of them by Priority descending, stably (so suite
// order, then Mine's order, breaks ties), and keeps the first
// opts.Budget overall.
func MineSuites(suites []SuiteResults, opts MineOptions) []Mistake {
	var out []Mistake
	for _, s := range suites {
		for _, m := range mine(s.Items, s.Results, opts) {
			m.Suite = s.Name
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b Mistake) int { return cmp.Compare(b.Priority, a.Priority) })
	return capped(out, opts.Budget)
}

// Draw returns n items drawn uniformly at random, without replacement,
// from all suites' items (all of them when n is larger, none when n <= 0),
// as mistakes of kind Drawn whatever the model answered: the untargeted baseline's
// "mistakes", as many as the real ones but chosen blind. Each keeps its
// suite, priority and the model's prediction; they come in draw order.
// The same suites, n and seed give the same draw.
func Draw(suites []SuiteResults, n int, seed int64) []Mistake {
	if n <= 0 {
		return nil
	}
	var all []Mistake
	for _, s := range suites {
		pred := make(map[string]string, len(s.Results))
		for _, r := range s.Results {
			pred[r.ID] = r.Prediction
		}
		for _, it := range s.Items {
			all = append(all, Mistake{Item: it, Suite: s.Name, Kind: Drawn, Priority: priority(it.Weight), Prediction: pred[it.ID]})
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xd7a3))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return capped(all, n)
}

func capped(ms []Mistake, budget int) []Mistake {
	if budget > 0 && len(ms) > budget {
		return ms[:budget]
	}
	return ms
}

func priority(w float64) float64 {
	if w <= 0 {
		return 1
	}
	return w
}
