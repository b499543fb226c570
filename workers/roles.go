package workers

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/digest"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// Examiner grades with exam.Run (likelihood for multiple choice).
type Examiner struct {
	Batch int
	Seed  int64
	// Mode, Scoring and MaxFailures are exam.Options'; zero values their
	// defaults (Scoring: exam.scoring; empty is mean).
	Mode        exam.Mode
	Scoring     exam.Scoring
	MaxFailures int
	// Log gets one line per suite at level info: how its items were
	// answered; nil is slog.Default().
	Log *slog.Logger
}

var _ loop.Examiner = Examiner{}

// Exam runs s's items through m.
func (e Examiner) Exam(ctx context.Context, m model.Model, s loop.Suite, progress progress.Reporter) ([]rundir.Answer, error) {
	res, err := exam.Run(ctx, m, s.Items, exam.Options{Batch: e.Batch, Seed: e.Seed, Scoring: e.Scoring,
		Mode: e.Mode, MaxFailures: e.MaxFailures, Progress: progress})
	if err != nil {
		return nil, err
	}
	e.logModes(s.Name, res)
	out := make([]rundir.Answer, len(res))
	for i, r := range res {
		out[i] = rundir.Answer{Suite: s.Name, Result: r}
	}
	return out, nil
}

// Miner mines the exam suites with mistake.MineSuites.
//
// With Untargeted (the untargeted baseline) it returns as many exam items
// drawn at random (mistake.Draw) instead, seeded by Seed and the answers,
// so that each round draws afresh and a resumed round draws the same.
type Miner struct {
	Margin     float64
	Budget     int
	Untargeted bool
	Seed       int64
}

var _ loop.Miner = Miner{}

// Mine returns the wrong and uncertain items of the exam suites, the
// Budget highest-priority ones overall (or, Untargeted, as many drawn at
// random).
func (mn Miner) Mine(ctx context.Context, suites []loop.Suite, answers []rundir.Answer) ([]mistake.Mistake, error) {
	in := make([]mistake.SuiteResults, len(suites))
	for i, s := range suites {
		in[i] = mistake.SuiteResults{Name: s.Name, Items: s.Items}
		for _, a := range answers {
			if a.Suite == s.Name {
				in[i].Results = append(in[i].Results, a.Result)
			}
		}
	}
	ms := mistake.MineSuites(in, mistake.MineOptions{Margin: mn.Margin, Budget: mn.Budget})
	if mn.Untargeted {
		h, _ := strconv.ParseUint(digest.JSON(answers)[:16], 16, 64) // hex digits: never fails
		seed := mn.Seed ^ int64(h)
		return mistake.Draw(in, len(ms), seed), nil
	}
	return ms, nil
}

// Planner makes queries with a knowledge-point extractor: Extractor when
// set (the helper model, see New), else the offline heuristic.
type Planner struct {
	Options   mistake.PointOptions
	Extractor mistake.Extractor
}

var _ loop.Planner = Planner{}

// Plan returns every query of every mistake's knowledge points (see
// mistake.Plan); each records the extractor that made it ("heuristic",
// or "llm:<model>" for the helper's queries).
func (p Planner) Plan(ctx context.Context, ms []mistake.Mistake) ([]mistake.Query, error) {
	ex := p.Extractor
	if ex == nil {
		ex = mistake.Heuristic{Options: p.Options}
	}
	return mistake.Plan(ctx, ex, ms)
}

// Retriever searches one Source with curate.Retrieve, its hits spread
// over the sources as Split says.
type Retriever struct {
	Source knowledge.Source
	Split  knowledge.Split
}

var _ loop.Retriever = Retriever{}

// Retrieve runs every query.
func (r Retriever) Retrieve(ctx context.Context, qs []mistake.Query) ([]curate.Candidate, error) {
	return curate.Retrieve(ctx, r.Source, r.Split, qs)
}

// Curator runs a curate.Pipeline (see curate.Config.MaxPerItem for the
// per-item cap).
type Curator struct {
	Pipeline curate.Pipeline
}

var _ loop.Curator = Curator{}

// Curate returns the pipeline's verdicts: one per candidate, in order.
func (c Curator) Curate(ctx context.Context, _ []mistake.Mistake, cands []curate.Candidate, _ []loop.Suite) ([]curate.Verdict, error) {
	rep, err := c.Pipeline.Run(ctx, cands)
	if err != nil {
		return nil, err
	}
	return rep.Verdicts, nil
}
