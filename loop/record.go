package loop

import (
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/model"
)

// Stage names, in round order; each names its artifact file.
const (
	StageExam      = "exam"
	StageMistakes  = "mistakes"
	StageQueries   = "queries"
	StageRetrieval = "retrieval"
	StageCuration  = "curation"
	StageTrainset  = "trainset"
	StageTrain     = "train"
	StageMetrics   = "metrics"
)

// Answer is one graded item of one suite.
type Answer struct {
	Suite string `json:"suite"`
	exam.Result
}

// Mistake kinds.
const (
	MistakeWrong     = "wrong"     // answered wrongly
	MistakeUncertain = "uncertain" // answered right with a small margin
)

// Mistake is an exam item selected for training.
type Mistake struct {
	Item       exam.Item `json:"item"`
	Suite      string    `json:"suite"`
	Kind       string    `json:"kind"`     // MistakeWrong or MistakeUncertain
	Priority   float64   `json:"priority"` // higher is mined first
	Prediction string    `json:"prediction,omitempty"`
}

// Query is a search request made for one mistake's knowledge point.
type Query struct {
	MistakeID string `json:"mistake_id"` // the item id
	// Point states the knowledge point; Claim is what evidence for it must
	// support (the answer, its aliases and the question's key terms).
	Point string       `json:"point,omitempty"`
	Claim curate.Claim `json:"claim"`
	// Extractor names what made the query (for example "heuristic" or
	// "llm:<helper model>").
	Extractor string `json:"extractor,omitempty"`
	knowledge.Query
}

// Candidate is a retrieved passage for one mistake.
type Candidate struct {
	MistakeID string       `json:"mistake_id"`
	Query     string       `json:"query"`
	Claim     curate.Claim `json:"claim"`
	knowledge.Hit
}

// Verdict is curation's decision on one candidate: kept, or rejected by
// Filter for Reason.
type Verdict struct {
	Candidate
	Keep   bool   `json:"keep"`
	Filter string `json:"filter,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// TrainSet is a round's training set and its mix manifest.
type TrainSet struct {
	Examples []model.Example
	// Manifest describes the mix (counts and ratios per kind, sources);
	// it is stored as written and shown in the report.
	Manifest any
}

// TrainResult is the train stage's artifact: the model it produced.
type TrainResult struct {
	From model.Ref `json:"from"`
	To   model.Ref `json:"to"`
}

// SuiteMetrics are one suite's numbers at one round.
type SuiteMetrics struct {
	Name string           `json:"name"`
	Role string           `json:"role"`
	Acc  metrics.Interval `json:"acc"`
	// Gain over round 0 in percentage points.
	Gain float64 `json:"gain"`
	// Fixed and Broken count items whose correctness changed versus the
	// model the round started from.
	Fixed  int `json:"fixed"`
	Broken int `json:"broken"`
	// McNemar compares the round's model with the one it started from.
	McNemar metrics.McNemarTest `json:"mcnemar"`
	// Modes counts the items by how they were answered (exam.Result.Mode:
	// likelihood, letter-logprobs, letter-generated, open, failed).
	Modes map[string]int `json:"modes,omitempty"`
	// Failures counts the items the model failed on after its retries.
	Failures int `json:"failures,omitempty"`
}

// Gate is the accept-or-roll-back decision of a round.
type Gate struct {
	Accepted bool     `json:"accepted"`
	Reasons  []string `json:"reasons,omitempty"`
	// Forgetting is the largest drop, in points, of a general suite versus round 0.
	Forgetting float64 `json:"forgetting"`
	// Broken counts items, over all suites, right before the round and wrong after.
	Broken int `json:"broken"`
}

// RoundMetrics are a round's measurements. Round 0 is the base model.
type RoundMetrics struct {
	Round int `json:"round"`
	// Suites are the candidate model's numbers, in config order.
	Suites []SuiteMetrics `json:"suites"`
	Gate   Gate           `json:"gate"`
	// Mined is the number of mistakes trained on; Targeted is the share of
	// them answered right after the round.
	Mined    int              `json:"mined"`
	Targeted metrics.Interval `json:"targeted"`
	// Forgetting (Chaudhry) and BWT on the general suites, in points.
	Forgetting float64 `json:"forgetting"`
	BWT        float64 `json:"bwt"`
	// Tokens and Examples trained, per example kind.
	Tokens   map[string]int `json:"tokens,omitempty"`
	Examples map[string]int `json:"examples,omitempty"`
	// Candidates retrieved, Evidence kept and Rejects per filter.
	Candidates int            `json:"candidates"`
	Evidence   int            `json:"evidence"`
	Rejects    map[string]int `json:"rejects,omitempty"`
	// Model is the candidate model (path relative to the run folder).
	Model model.Ref `json:"model"`
	// Usage is what the round's stages cost on metered backends (OpenAI-
	// compatible servers), by label such as "model/exam" or
	// "helper/extract"; empty when no backend is metered.
	Usage map[string]Usage `json:"usage,omitempty"`
}

// Summary is a run's metrics.json: the accepted trajectory's accuracy
// matrix (row r = the model in force after round r) and every round's
// measurements.
type Summary struct {
	Name     string            `json:"name"`
	Baseline string            `json:"baseline,omitempty"`
	Seed     int64             `json:"seed"`
	Roles    map[string]string `json:"roles"` // suite name -> role
	Matrix   metrics.Matrix    `json:"matrix"`
	Rounds   []RoundMetrics    `json:"rounds"`
}

// Timing is the wall time of one stage of one round.
type Timing struct {
	Round   int     `json:"round"`
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
	// Skipped is true when this invocation reused the stage's artifact;
	// Seconds is then the time the artifact originally took.
	Skipped bool `json:"skipped"`
}
