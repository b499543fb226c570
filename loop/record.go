package loop

import (
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// Stage names, in round order; each names its artifact file (see rundir).
const (
	StageExam      = rundir.StageExam
	StageMistakes  = rundir.StageMistakes
	StageQueries   = rundir.StageQueries
	StageRetrieval = rundir.StageRetrieval
	StageCuration  = rundir.StageCuration
	StageReview    = rundir.StageReview
	StageTrainset  = rundir.StageTrainset
	StageTrain     = rundir.StageTrain
	StageMetrics   = rundir.StageMetrics
)

// The records of a run folder are rundir's types; the loop writes them
// and these names keep its code short (they are the same types, not
// copies).
type (
	Answer       = rundir.Answer
	TrainResult  = rundir.TrainResult
	SuiteMetrics = rundir.SuiteMetrics
	Gate         = rundir.Gate
	RoundMetrics = rundir.RoundMetrics
	Summary      = rundir.Summary
	Timing       = rundir.Timing
	Manifest     = rundir.Manifest
	RunInfo      = rundir.RunInfo
)

// TrainSet is a round's training set and its mix manifest.
type TrainSet struct {
	Examples []model.Example
	// Manifest describes the mix (counts and ratios per kind, sources);
	// it is stored as written and shown in the report.
	Manifest any
}
