package curate

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// PerItem keeps at most Max candidates per claim (item id), those with
// the best retrieval score (ties: the earlier one), and rejects the rest.
// Kept candidates stay in input order. Max <= 0 keeps everything.
type PerItem struct {
	Max int
}

// Name is "max-per-item".
func (PerItem) Name() string { return "max-per-item" }

// Apply caps the candidates of every item.
func (p PerItem) Apply(_ context.Context, in []Candidate) (Result, error) {
	if p.Max <= 0 {
		return Result{Kept: in}, nil
	}
	byItem := map[string][]int{}
	for i, c := range in {
		byItem[c.Claim.ItemID] = append(byItem[c.Claim.ItemID], i)
	}
	drop := make([]bool, len(in))
	for _, idx := range byItem {
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(in[b].Score, in[a].Score) })
		for _, i := range idx[min(len(idx), p.Max):] {
			drop[i] = true
		}
	}
	var res Result
	for i, c := range in {
		if drop[i] {
			res.Rejects = append(res.Rejects, reject(p.Name(), c, fmt.Sprintf("beyond the %d best passages for the item", p.Max)))
			continue
		}
		res.Kept = append(res.Kept, c)
	}
	return res, nil
}
