package curate

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Agreement counts, for each claim (item id), the independent sources
// whose candidates name the claim's answer or an alias, stores them in
// every candidate of that claim (Candidate.Sources, Candidate.Agreement),
// rejects the candidates of claims stated by fewer than MinSources
// sources, and orders the kept candidates by Agreement, highest first
// (stable, so retrieval order is kept among equals): a fact found in two
// sources outranks a fact found in one.
//
// Sources are independent when their names differ, unless Groups maps
// them to the same group (for sources that copy each other, e.g.
// {"gcide": "webster", "webster1913": "webster"}). A candidate that does
// not itself name the answer still gets its claim's count; Support is the
// filter that rejects it. The zero value requires one source.
type Agreement struct {
	MinSources int               // default 1
	Groups     map[string]string // source name -> independence group
}

// Name is "agreement".
func (a Agreement) Name() string { return "agreement" }

// Apply sets Sources and Agreement and ranks by agreement.
func (a Agreement) Apply(_ context.Context, in []Candidate) (Result, error) {
	minSrc := max(a.MinSources, 1)
	sources := map[string][]string{} // item id -> sorted groups
	for _, c := range in {
		if !mentionsAny(Words(c.Passage.Title+" \n "+c.Passage.Text), answerPhrases(c.Claim)) {
			continue
		}
		g := c.Passage.Source
		if a.Groups[g] != "" {
			g = a.Groups[g]
		}
		s := sources[c.Claim.ItemID]
		if i, found := slices.BinarySearch(s, g); !found {
			sources[c.Claim.ItemID] = slices.Insert(s, i, g)
		}
	}
	res := each(a.Name(), in, func(c *Candidate) (string, []Event) {
		c.Sources = sources[c.Claim.ItemID]
		c.Agreement = len(c.Sources)
		if c.Agreement < minSrc {
			return fmt.Sprintf("answer stated by %d source(s) [%s], need %d",
				c.Agreement, strings.Join(c.Sources, ", "), minSrc), nil
		}
		return "", nil
	})
	slices.SortStableFunc(res.Kept, func(x, y Candidate) int { return y.Agreement - x.Agreement })
	return res, nil
}
