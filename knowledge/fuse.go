package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// DefaultRRFK is the rank constant of reciprocal-rank fusion (Cormack,
// Clarke and Büttcher, SIGIR 2009).
const DefaultRRFK = 60

// Member is one source of a Fused search: searched for K hits (0: not
// searched), its ranks weighted by Weight.
type Member struct {
	Source Source
	K      int
	Weight float64
}

// Fused searches several sources and merges their hits by weighted
// reciprocal-rank fusion: a passage found at rank r (1 = best) by member
// m scores Weight_m / (RRFK + r), summed over the members that found it
// (a passage is the same when its Source and ID are). Fusion needs no
// common score scale, so BM25 scores of a local index and those of a
// wiki's own ranking can be merged. Ties keep member order, then rank.
type Fused struct {
	Members []Member
	// RRFK is the rank constant; 0 means DefaultRRFK.
	RRFK float64
}

var _ Source = (*Fused)(nil)

// Name is "fused".
func (f *Fused) Name() string { return "fused" }

// Search returns at most k merged hits, best first; Hit.Score is the
// fused score. A member's error is returned naming the member.
func (f *Fused) Search(ctx context.Context, q Query, k int) ([]Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	rk := f.RRFK
	if rk <= 0 {
		rk = DefaultRRFK
	}
	type entry struct {
		hit   Hit
		score float64
		order int
	}
	at := map[[2]string]int{}
	var out []entry
	for _, m := range f.Members {
		if m.K <= 0 {
			continue
		}
		hits, err := m.Source.Search(ctx, q, m.K)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", m.Source.Name(), err)
		}
		for r, h := range hits {
			s := m.Weight / (rk + float64(r+1))
			key := [2]string{h.Source, h.ID}
			if i, ok := at[key]; ok {
				out[i].score += s
				continue
			}
			at[key] = len(out)
			out = append(out, entry{hit: h, score: s, order: len(out)})
		}
	}
	slices.SortStableFunc(out, func(a, b entry) int { return cmp.Compare(b.score, a.score) })
	hits := make([]Hit, 0, min(k, len(out)))
	for _, e := range out[:min(k, len(out))] {
		e.hit.Score = e.score
		hits = append(hits, e.hit)
	}
	return hits, nil
}

// FirstIndex returns the first *Index among src and, when src is a
// *Fused, its members; nil when there is none.
func FirstIndex(src Source) *Index {
	switch s := src.(type) {
	case *Index:
		return s
	case *Fused:
		for _, m := range s.Members {
			if ix := FirstIndex(m.Source); ix != nil {
				return ix
			}
		}
	}
	return nil
}
