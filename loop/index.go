package loop

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/cemlab/cem/rundir"
	"github.com/cemlab/cem/store"
)

// StoreIndex records rounds in a store.DB.
type StoreIndex struct{ DB *store.DB }

var _ Indexer = StoreIndex{}

// IndexRound records round r of summary s (run folder dir) with the
// round's candidate answers.
func (x StoreIndex) IndexRound(ctx context.Context, dir string, s *Summary, r int, answers []Answer) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	m := s.Rounds[r]
	items := make([]store.Item, len(answers))
	for i, a := range answers {
		items[i] = store.Item{Suite: a.Suite, ID: a.ID, Correct: a.Correct, Confidence: a.Confidence,
			Margin: a.Margin, Prediction: a.Prediction}
	}
	var ms []store.Metric
	for _, sm := range m.Suites {
		ms = append(ms,
			store.Metric{Suite: sm.Name, Name: "accuracy", Value: sm.Acc.P},
			store.Metric{Suite: sm.Name, Name: "accuracy_low", Value: sm.Acc.Low},
			store.Metric{Suite: sm.Name, Name: "accuracy_high", Value: sm.Acc.High},
			store.Metric{Suite: sm.Name, Name: "gain", Value: sm.Gain},
			store.Metric{Suite: sm.Name, Name: "fixed", Value: float64(sm.Fixed)},
			store.Metric{Suite: sm.Name, Name: "broken", Value: float64(sm.Broken)},
			store.Metric{Suite: sm.Name, Name: "mcnemar_p", Value: sm.McNemar.P})
	}
	ms = append(ms,
		store.Metric{Name: "mined", Value: float64(m.Mined)},
		store.Metric{Name: "targeted_fix_rate", Value: m.Targeted.P},
		store.Metric{Name: "forgetting", Value: m.Forgetting},
		store.Metric{Name: "bwt", Value: m.BWT},
		store.Metric{Name: "evidence", Value: float64(m.Evidence)})
	for kind, n := range m.Tokens {
		ms = append(ms, store.Metric{Name: "tokens_" + kind, Value: float64(n)})
	}
	return x.DB.PutRound(ctx, store.Run{Run: abs, Name: s.Name, Baseline: s.Baseline, Seed: s.Seed},
		store.Round{Round: r, Accepted: m.Gate.Accepted, Reasons: m.Gate.Reasons}, items, ms)
}

// Reindex records every round of the run folder dir in db, from its
// metrics.json and exam artifacts; it rebuilds the index of a run.
func Reindex(ctx context.Context, dir string, db *store.DB) error {
	s, err := ReadSummary(dir)
	if err != nil {
		return err
	}
	x := StoreIndex{DB: db}
	for r := range s.Rounds {
		answers, err := rundir.ReadJSONL[Answer](filepath.Join(dir, fmt.Sprintf("round-%d", r), StageExam+".jsonl"))
		if err != nil {
			return fmt.Errorf("reindex %s round %d: %w", dir, r, err)
		}
		if err := x.IndexRound(ctx, dir, s, r, answers); err != nil {
			return err
		}
	}
	return nil
}

// ReadSummary reads a run folder's metrics.json.
func ReadSummary(dir string) (*Summary, error) {
	var s Summary
	if err := rundir.ReadJSON(filepath.Join(dir, "metrics.json"), &s); err != nil {
		return nil, fmt.Errorf("run %s: %w (is it a run folder? `cem run` writes metrics.json)", dir, err)
	}
	return &s, nil
}

// ReadTimings reads a run folder's timings.json; a missing file gives nil.
func ReadTimings(dir string) ([]Timing, error) {
	var t []Timing
	if err := rundir.ReadJSON(filepath.Join(dir, "timings.json"), &t); err != nil {
		if errMissing(err) {
			return nil, nil
		}
		return nil, err
	}
	return t, nil
}

// ReadManifest reads the manifest of stage at round r of run dir.
func ReadManifest(dir string, r int, stage string) (Manifest, error) {
	var m Manifest
	err := rundir.ReadJSON(filepath.Join(dir, fmt.Sprintf("round-%d", r), stage+".manifest.json"), &m)
	return m, err
}
