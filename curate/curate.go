package curate

import (
	"context"
	"fmt"

	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/mistake"
)

// Claim is what a candidate passage is expected to support: the gold
// answer of a mined item and the key terms of its question. The caller
// fills it from the knowledge point the passage was retrieved for.
type Claim = mistake.Claim

// Candidate is a retrieved passage on its way to becoming evidence.
type Candidate struct {
	Passage knowledge.Passage `json:"passage"`
	Score   float64           `json:"score,omitempty"` // retrieval score
	Query   string            `json:"query,omitempty"` // the query that found it
	Claim   Claim             `json:"claim"`
	// Sources and Agreement are set by the Agreement filter: the sorted
	// independent sources stating the claim's answer, and how many.
	Sources   []string `json:"sources,omitempty"`
	Agreement int      `json:"agreement,omitempty"`
}

// Reject records why a filter dropped a candidate.
type Reject struct {
	PassageID string `json:"passage_id"`
	ItemID    string `json:"item_id,omitempty"`
	Filter    string `json:"filter"`
	Reason    string `json:"reason"`
}

// Event records something a filter did to a kept candidate (for example
// a PII redaction). It is a log entry, not a reject.
type Event struct {
	PassageID string `json:"passage_id"`
	ItemID    string `json:"item_id,omitempty"`
	Filter    string `json:"filter"`
	Kind      string `json:"kind"`
	Detail    string `json:"detail"`
}

// Result is what one filter returns: the kept candidates in their output
// order, the rejects and the events.
type Result struct {
	Kept    []Candidate
	Rejects []Reject
	Events  []Event
}

// Filter is one curation step. Apply must not modify the candidates of in
// other than those it returns in Kept (it may rewrite their text); every
// candidate of in ends up either in Kept or in Rejects.
type Filter interface {
	Name() string
	Apply(ctx context.Context, in []Candidate) (Result, error)
}

// Count is what one filter of a pipeline did.
type Count struct {
	Filter   string `json:"filter"`
	In       int    `json:"in"`
	Kept     int    `json:"kept"`
	Rejected int    `json:"rejected"`
	Events   int    `json:"events"`
}

// Report is the outcome of a Pipeline run.
type Report struct {
	Kept    []Candidate `json:"-"`
	Rejects []Reject    `json:"rejects"`
	Events  []Event     `json:"events"`
	Counts  []Count     `json:"counts"`
}

// Pipeline runs filters in order, each on the previous one's kept
// candidates.
type Pipeline struct {
	Filters []Filter
}

// Run applies the filters in order. It stops at the first filter error
// (wrapped with the filter name) or when ctx is done.
func (p Pipeline) Run(ctx context.Context, in []Candidate) (Report, error) {
	var rep Report
	cur := in
	for _, f := range p.Filters {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		res, err := f.Apply(ctx, cur)
		if err != nil {
			return rep, fmt.Errorf("curate %s: %w", f.Name(), err)
		}
		rep.Counts = append(rep.Counts, Count{
			Filter: f.Name(), In: len(cur), Kept: len(res.Kept),
			Rejected: len(res.Rejects), Events: len(res.Events),
		})
		rep.Rejects = append(rep.Rejects, res.Rejects...)
		rep.Events = append(rep.Events, res.Events...)
		cur = res.Kept
	}
	rep.Kept = cur
	return rep, nil
}

// each applies check to every candidate in order: a non-empty reason
// rejects it, otherwise it is kept (with any change check made to it).
func each(name string, in []Candidate, check func(c *Candidate) (reason string, events []Event)) Result {
	var res Result
	for _, c := range in {
		reason, ev := check(&c)
		res.Events = append(res.Events, ev...)
		if reason != "" {
			res.Rejects = append(res.Rejects, reject(name, c, reason))
			continue
		}
		res.Kept = append(res.Kept, c)
	}
	return res
}

func reject(filter string, c Candidate, reason string) Reject {
	return Reject{PassageID: c.Passage.ID, ItemID: c.Claim.ItemID, Filter: filter, Reason: reason}
}
