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

// Candidate is a retrieved passage on its way to becoming evidence: the
// record of a round's retrieval artifact.
type Candidate struct {
	MistakeID     string `json:"mistake_id"` // the mined item's id (Claim.ItemID)
	Query         string `json:"query"`      // the query that found it
	Claim         Claim  `json:"claim"`
	knowledge.Hit        // the passage and its retrieval score
	// Sources and Agreement are set by the Agreement filter: the sorted
	// independent sources stating the claim's answer, and how many.
	Sources   []string `json:"sources,omitempty"`
	Agreement int      `json:"agreement,omitempty"`

	seq int // 1 + the index in a Pipeline.Run's input; 0 outside a run
}

// Reject records why a filter dropped a candidate.
type Reject struct {
	PassageID string `json:"passage_id"`
	ItemID    string `json:"item_id,omitempty"`
	Filter    string `json:"filter"`
	Reason    string `json:"reason"`

	cand Candidate // the candidate as the filter left it, when made by reject
}

// Event records something a filter did to a kept candidate (for example
// a PII redaction). It is a log entry, not a reject.
type Event struct {
	PassageID string `json:"passage_id"`
	ItemID    string `json:"item_id,omitempty"`
	Filter    string `json:"filter"`
	Kind      string `json:"kind"`
	Detail    string `json:"detail"`

	seq int // the candidate's seq, when made by each
}

// Verdict is curation's decision on one candidate, the record of a
// round's curation artifact: kept, or rejected by Filter for Reason. The
// candidate is as the pipeline left it: a kept one with its redacted text
// and agreement evidence, a rejected one as the rejecting filter left it.
// Events are what the filters did to it (for example a PII redaction).
type Verdict struct {
	Candidate
	Keep   bool    `json:"keep"`
	Filter string  `json:"filter,omitempty"`
	Reason string  `json:"reason,omitempty"`
	Events []Event `json:"events,omitempty"`
}

// Result is what one filter returns: the kept candidates in their output
// order, the rejects and the events.
type Result struct {
	Kept    []Candidate
	Rejects []Reject
	Events  []Event
}

// Filter is one curation step. Apply must not modify the candidates of in
// other than those it returns in Kept (it may rewrite their text, but
// should return the values it was given, not rebuilt ones); every
// candidate of in ends up either in Kept or in Rejects, once.
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
	// Verdicts holds one verdict per input candidate, in input order.
	Verdicts []Verdict `json:"-"`
	// Kept are the kept candidates in the last filter's output order.
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

// Run applies the filters in order and gives a verdict for every
// candidate of in. It stops at the first filter error (wrapped with the
// filter name), when a filter breaks the Filter contract (a candidate
// neither kept nor rejected, or one it was not given) or when ctx is done.
func (p Pipeline) Run(ctx context.Context, in []Candidate) (Report, error) {
	var rep Report
	cur := make([]Candidate, len(in))
	for i, c := range in {
		c.seq = i + 1
		cur[i] = c
	}
	verdicts := make([]Verdict, len(in))
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
		cur, err = decide(f.Name(), cur, res, verdicts)
		if err != nil {
			return rep, err
		}
	}
	for _, c := range cur {
		verdicts[c.seq-1].Candidate, verdicts[c.seq-1].Keep = c, true
	}
	for i := range verdicts {
		verdicts[i].seq = 0
	}
	rep.Verdicts = verdicts
	rep.Kept = make([]Candidate, len(cur))
	for i, c := range cur {
		c.seq = 0
		rep.Kept[i] = c
	}
	return rep, nil
}

// decide records the rejects and events of filter's result res on its
// input cur in verdicts and returns the kept candidates, each with its
// seq. Candidates, rejects and events without a seq (made by filters
// outside this package) are matched by item and passage id.
func decide(filter string, cur []Candidate, res Result, verdicts []Verdict) ([]Candidate, error) {
	open := make(map[int]Candidate, len(cur))
	for _, c := range cur {
		open[c.seq] = c
	}
	find := func(seq int, item, passage string) int {
		if _, ok := open[seq]; ok && seq > 0 {
			return seq
		}
		for _, c := range cur {
			if _, ok := open[c.seq]; ok && c.Claim.ItemID == item && c.Passage.ID == passage {
				return c.seq
			}
		}
		return 0
	}
	for _, e := range res.Events {
		seq := e.seq
		if seq == 0 {
			for _, c := range cur {
				if c.Claim.ItemID == e.ItemID && c.Passage.ID == e.PassageID {
					seq = c.seq
					break
				}
			}
		}
		if seq > 0 {
			e.seq = 0
			verdicts[seq-1].Events = append(verdicts[seq-1].Events, e)
		}
	}
	kept := make([]Candidate, 0, len(res.Kept))
	for _, c := range res.Kept {
		seq := find(c.seq, c.Claim.ItemID, c.Passage.ID)
		if seq == 0 {
			return nil, fmt.Errorf("curate %s: kept passage %s of item %s, which it was not given (or kept twice)", filter, c.Passage.ID, c.Claim.ItemID)
		}
		delete(open, seq)
		c.seq = seq
		kept = append(kept, c)
	}
	for _, r := range res.Rejects {
		seq := find(r.cand.seq, r.ItemID, r.PassageID)
		if seq == 0 {
			return nil, fmt.Errorf("curate %s: rejected passage %s of item %s, which it was not given (or decided twice)", filter, r.PassageID, r.ItemID)
		}
		c := open[seq]
		if r.cand.seq == seq {
			c = r.cand
		}
		delete(open, seq)
		v := &verdicts[seq-1]
		v.Candidate, v.Filter, v.Reason = c, r.Filter, r.Reason
	}
	for _, c := range cur {
		if _, ok := open[c.seq]; ok {
			return nil, fmt.Errorf("curate %s: passage %s of item %s neither kept nor rejected", filter, c.Passage.ID, c.Claim.ItemID)
		}
	}
	return kept, nil
}

// each applies check to every candidate in order: a non-empty reason
// rejects it, otherwise it is kept (with any change check made to it).
func each(name string, in []Candidate, check func(c *Candidate) (reason string, events []Event)) Result {
	var res Result
	for _, c := range in {
		reason, ev := check(&c)
		for i := range ev {
			if ev[i].seq == 0 {
				ev[i].seq = c.seq
			}
		}
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
	return Reject{PassageID: c.Passage.ID, ItemID: c.Claim.ItemID, Filter: filter, Reason: reason, cand: c}
}
