package knowledge

import (
	"cmp"
	"context"
	"slices"
)

// Rank returns the k best of passages for the query text by BM25 (an
// index built on the fly, stemmed), each score multiplied by 1 +
// boost(passage) when boost is set (say, the rank of the passage's page
// in a search engine's answer, relative to the best). Network sources
// use it to rank the passages of the pages they fetched.
func Rank(ctx context.Context, name string, passages []Passage, text string, boost func(Passage) float64, k int) ([]Hit, error) {
	if len(passages) == 0 || k <= 0 {
		return nil, nil
	}
	ix, err := Build(ctx, passages, Options{Name: name, Stem: true, Workers: 1})
	if err != nil {
		return nil, err
	}
	hits, err := ix.Search(ctx, Query{Text: text}, len(passages))
	if err != nil {
		return nil, err
	}
	if boost != nil {
		for i := range hits {
			hits[i].Score *= 1 + boost(hits[i].Passage)
		}
		slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	}
	return hits[:min(k, len(hits))], nil
}
