package stages

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
)

// Examiner grades with exam.Run (likelihood for multiple choice).
type Examiner struct {
	Batch int
	Seed  int64
	// Mode, Norm and MaxFailures are exam.Options'; zero values their defaults.
	Mode        exam.Mode
	Norm        exam.Norm
	MaxFailures int
	// Log, when set, gets one line per suite: how its items were answered.
	Log func(string)
}

var _ loop.Examiner = Examiner{}

// Exam runs s's items through m.
func (e Examiner) Exam(ctx context.Context, m model.Model, s loop.Suite, progress func(int)) ([]loop.Answer, error) {
	res, err := exam.Run(ctx, m, s.Items, exam.Options{Batch: e.Batch, Seed: e.Seed,
		Mode: e.Mode, Norm: e.Norm, MaxFailures: e.MaxFailures,
		Progress: func(done, _ int) {
			if progress != nil {
				progress(done)
			}
		}})
	if err != nil {
		return nil, err
	}
	e.logModes(s.Name, res)
	out := make([]loop.Answer, len(res))
	for i, r := range res {
		out[i] = loop.Answer{Suite: s.Name, Result: r}
	}
	return out, nil
}

// Miner mines with mistake.Mine, suite by suite, then keeps the Budget
// highest-priority mistakes overall.
type Miner struct {
	Margin float64
	Budget int
}

var _ loop.Miner = Miner{}

// Mine returns the wrong and uncertain items of the exam suites.
func (mn Miner) Mine(ctx context.Context, suites []loop.Suite, answers []loop.Answer) ([]loop.Mistake, error) {
	var out []loop.Mistake
	for _, s := range suites {
		var res []exam.Result
		for _, a := range answers {
			if a.Suite == s.Name {
				res = append(res, a.Result)
			}
		}
		for _, m := range mistake.Mine(s.Items, res, mistake.MineOptions{Margin: mn.Margin}) {
			out = append(out, loop.Mistake{Item: m.Item, Suite: s.Name, Kind: string(m.Reason),
				Priority: m.Priority, Prediction: m.Result.Prediction})
		}
	}
	// Mine orders within a suite; order across suites by priority, stably.
	slices.SortStableFunc(out, func(a, b loop.Mistake) int { return cmp.Compare(b.Priority, a.Priority) })
	if mn.Budget > 0 && len(out) > mn.Budget {
		out = out[:mn.Budget]
	}
	return out, nil
}

// Planner makes queries with a knowledge-point extractor: Extractor when
// set (the helper model, see New), else the offline heuristic.
type Planner struct {
	Options   mistake.PointOptions
	Extractor mistake.Extractor
}

var _ loop.Planner = Planner{}

// Plan returns every query of every mistake's knowledge points; each
// records the extractor that made it ("heuristic", or "llm:<model>" for
// the helper's queries).
func (p Planner) Plan(ctx context.Context, ms []loop.Mistake) ([]loop.Query, error) {
	ex := p.Extractor
	if ex == nil {
		ex = mistake.Heuristic{Options: p.Options}
	}
	var out []loop.Query
	for _, m := range ms {
		kps, err := ex.Extract(ctx, mistake.Mistake{Item: m.Item, Priority: m.Priority})
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", m.Item.ID, err)
		}
		for _, kp := range kps {
			claim := curate.Claim{ItemID: m.Item.ID, Answer: kp.Answer, Aliases: kp.Aliases, KeyTerms: kp.KeyTerms}
			by := kp.By
			if n, ok := ex.(interface{ Name() string }); ok && by == mistake.ByLLM {
				by = n.Name()
			}
			for _, q := range kp.Queries {
				out = append(out, loop.Query{MistakeID: m.Item.ID, Point: kp.Text, Claim: claim, Extractor: by, Query: q})
			}
		}
	}
	return out, nil
}

// Retriever searches one Source, K hits per query, or per source when
// PerSource names sources (a source with k = 0 is not searched). A
// passage found by several queries of one mistake is kept once, with its
// best score.
type Retriever struct {
	Source    knowledge.Source
	K         int
	PerSource map[string]int
}

var _ loop.Retriever = Retriever{}

// Retrieve runs every query.
func (r Retriever) Retrieve(ctx context.Context, qs []loop.Query) ([]loop.Candidate, error) {
	var out []loop.Candidate
	at := map[[2]string]int{}
	names := make([]string, 0, len(r.PerSource))
	for n := range r.PerSource {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, q := range qs {
		var hits []knowledge.Hit
		if len(names) == 0 {
			h, err := r.Source.Search(ctx, q.Query, r.K)
			if err != nil {
				return nil, fmt.Errorf("query %q: %w", q.Text, err)
			}
			hits = h
		}
		for _, n := range names {
			if r.PerSource[n] == 0 {
				continue
			}
			sq := q.Query
			sq.Sources = []string{n}
			h, err := r.Source.Search(ctx, sq, r.PerSource[n])
			if err != nil {
				return nil, fmt.Errorf("query %q on %s: %w", q.Text, n, err)
			}
			hits = append(hits, h...)
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
			out = append(out, loop.Candidate{MistakeID: q.MistakeID, Query: q.Text, Claim: q.Claim, Hit: h})
		}
	}
	return out, nil
}

// Curator runs a curate.Pipeline, then keeps at most MaxPerItem passages
// (best retrieval score first) per mistake.
type Curator struct {
	Pipeline   curate.Pipeline
	MaxPerItem int
}

var _ loop.Curator = Curator{}

// Curate returns one verdict per candidate, in order. Kept candidates
// carry the pipeline's version of the passage (e.g. with PII redacted).
func (c Curator) Curate(ctx context.Context, ms []loop.Mistake, cands []loop.Candidate, _ []loop.Suite) ([]loop.Verdict, error) {
	in := make([]curate.Candidate, len(cands))
	for i, cd := range cands {
		in[i] = curate.Candidate{Passage: cd.Passage, Score: cd.Score, Query: cd.Query, Claim: cd.Claim}
	}
	rep, err := c.Pipeline.Run(ctx, in)
	if err != nil {
		return nil, err
	}
	key := func(item, passage string) [2]string { return [2]string{item, passage} }
	kept := map[[2]string]curate.Candidate{}
	for _, k := range rep.Kept {
		kept[key(k.Claim.ItemID, k.Passage.ID)] = k
	}
	rejected := map[[2]string]curate.Reject{}
	for _, r := range rep.Rejects {
		rejected[key(r.ItemID, r.PassageID)] = r
	}
	out := make([]loop.Verdict, len(cands))
	perItem := map[string][]int{}
	for i, cd := range cands {
		out[i] = loop.Verdict{Candidate: cd}
		k := key(cd.MistakeID, cd.ID)
		if kc, ok := kept[k]; ok {
			out[i].Keep = true
			out[i].Passage = kc.Passage
			perItem[cd.MistakeID] = append(perItem[cd.MistakeID], i)
			continue
		}
		out[i].Filter, out[i].Reason = "unknown", "dropped by the pipeline without a reason"
		if r, ok := rejected[k]; ok {
			out[i].Filter, out[i].Reason = r.Filter, r.Reason
		}
	}
	if c.MaxPerItem > 0 {
		for _, idx := range perItem {
			slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(out[b].Score, out[a].Score) })
			for _, i := range idx[min(len(idx), c.MaxPerItem):] {
				out[i].Keep, out[i].Filter, out[i].Reason = false, "max-per-item", fmt.Sprintf("beyond the %d best passages for the item", c.MaxPerItem)
			}
		}
	}
	return out, nil
}
