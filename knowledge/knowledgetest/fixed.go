package knowledgetest

import (
	"context"
	"slices"

	"github.com/cemlab/cem/knowledge"
)

// Fixed is a Source of fixed passages: every query gets, of the sources
// it asks for (all when none), the first k passages in order, scored
// len(Passages)-i plus Boost[query text].
type Fixed struct {
	Passages []knowledge.Passage
	Boost    map[string]float64
}

var _ knowledge.Source = Fixed{}

// Name is "fixed".
func (f Fixed) Name() string { return "fixed" }

// Search returns the passages of q's sources, at most k.
func (f Fixed) Search(_ context.Context, q knowledge.Query, k int) ([]knowledge.Hit, error) {
	var out []knowledge.Hit
	for i, p := range f.Passages {
		if len(out) >= k {
			break
		}
		if len(q.Sources) > 0 && !slices.Contains(q.Sources, p.Source) {
			continue
		}
		out = append(out, knowledge.Hit{Passage: p, Score: float64(len(f.Passages)-i) + f.Boost[q.Text]})
	}
	return out, nil
}
