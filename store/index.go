package store

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/cemlab/cem/rundir"
)

// IndexRound records round r of summary s (run folder dir) with the
// round's candidate answers; it is the loop's Indexer (loop.Options.Index).
func (d *DB) IndexRound(ctx context.Context, dir string, s *rundir.Summary, r int, answers []rundir.Answer) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	m := s.Rounds[r]
	items := make([]Item, len(answers))
	for i, a := range answers {
		items[i] = Item{Suite: a.Suite, ID: a.ID, Correct: a.Correct, Confidence: a.Confidence,
			Margin: a.Margin, Prediction: a.Prediction}
	}
	var ms []Metric
	for _, sm := range m.Suites {
		ms = append(ms,
			Metric{Suite: sm.Name, Name: "accuracy", Value: sm.Acc.P},
			Metric{Suite: sm.Name, Name: "accuracy_low", Value: sm.Acc.Low},
			Metric{Suite: sm.Name, Name: "accuracy_high", Value: sm.Acc.High},
			Metric{Suite: sm.Name, Name: "gain", Value: sm.Gain},
			Metric{Suite: sm.Name, Name: "fixed", Value: float64(sm.Fixed)},
			Metric{Suite: sm.Name, Name: "broken", Value: float64(sm.Broken)},
			Metric{Suite: sm.Name, Name: "mcnemar_p", Value: sm.McNemar.P})
	}
	ms = append(ms,
		Metric{Name: "mined", Value: float64(m.Mined)},
		Metric{Name: "targeted_fix_rate", Value: m.Targeted.P},
		Metric{Name: "forgetting", Value: m.Forgetting},
		Metric{Name: "bwt", Value: m.BWT},
		Metric{Name: "evidence", Value: float64(m.Evidence)})
	for kind, n := range m.Tokens {
		ms = append(ms, Metric{Name: "tokens_" + kind, Value: float64(n)})
	}
	return d.PutRound(ctx, Run{Run: abs, Name: s.Name, Baseline: s.Baseline, Seed: s.Seed},
		Round{Round: r, Accepted: m.Gate.Accepted, Reasons: m.Gate.Reasons}, items, ms)
}

// Reindex records every round of the run folder dir, from its
// metrics.json and exam artifacts; it rebuilds the index of a run.
func (d *DB) Reindex(ctx context.Context, dir string) error {
	s, err := rundir.ReadSummary(dir)
	if err != nil {
		return err
	}
	for r := range s.Rounds {
		answers, err := rundir.ReadAnswers(dir, r)
		if err != nil {
			return fmt.Errorf("reindex %s round %d: %w", dir, r, err)
		}
		if err := d.IndexRound(ctx, dir, s, r, answers); err != nil {
			return err
		}
	}
	return nil
}
