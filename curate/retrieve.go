package curate

import (
	"context"

	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/mistake"
)

// Retrieve runs every query on src, its hits spread over the sources as
// split says, and returns the candidates in query order. A passage found
// by several queries of one mistake is one candidate, with its best score
// and the query that scored it.
func Retrieve(ctx context.Context, src knowledge.Source, split knowledge.Split, qs []mistake.Query) ([]Candidate, error) {
	var out []Candidate
	at := map[[2]string]int{} // mistake and passage id -> index in out
	for _, q := range qs {
		hits, err := split.Search(ctx, src, q.Query)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			key := [2]string{q.MistakeID, h.ID}
			if i, ok := at[key]; ok {
				if h.Score > out[i].Score {
					out[i].Score, out[i].Query = h.Score, q.Text
				}
				continue
			}
			at[key] = len(out)
			out = append(out, Candidate{MistakeID: q.MistakeID, Query: q.Text, Claim: q.Claim, Hit: h})
		}
	}
	return out, nil
}
