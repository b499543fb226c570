package rundir

import (
	"encoding/json"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/model"
)

// Answer is one graded item of one suite.
type Answer struct {
	Suite string `json:"suite"`
	exam.Result
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
	// Weighted is the accuracy weighted by the items' business priority
	// (exam.Item.Weight; 0 counts as 1).
	Weighted float64 `json:"weighted"`
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
	// McNemarBase compares the round's model with round 0's on the same
	// items: the significance of Gain (absent at round 0).
	McNemarBase *metrics.McNemarTest `json:"mcnemar_base,omitempty"`
	// Chance is the accuracy of guessing: the mean over the suite's
	// multiple-choice items of 1/(number of choices); 0 for a suite of
	// open items.
	Chance float64 `json:"chance,omitempty"`
	// Dev and Test (general suites only) are the accuracies of the two
	// disjoint halves of the suite (metrics.SplitDevTest by the run's
	// seed), and DevGain and TestGain their changes since round 0 in
	// points: the gate watches Dev, forgetting is reported on Test.
	Dev      *metrics.Interval `json:"dev,omitempty"`
	Test     *metrics.Interval `json:"test,omitempty"`
	DevGain  float64           `json:"dev_gain,omitempty"`
	TestGain float64           `json:"test_gain,omitempty"`
	// Parts break a suite of probe items (exam.Item.Probe) down; absent
	// for a suite without probes. See PartMetrics.
	Parts []PartMetrics `json:"parts,omitempty"`
}

// Mined statuses of a part (PartMetrics.Mined) and distractor statuses
// (PartMetrics.Distractors).
const (
	PartMined    = "mined"     // probes about facts mined so far
	PartNotMined = "not mined" // probes about exam facts not mined so far
	// PartMatched probes of mined facts have every distractor answering
	// a mined fact too (exam.Item.ChoiceAbout): as trained as the gold.
	PartMatched = "matched"
	// PartUnmatched probes of mined facts have a distractor answering no
	// mined fact: the gold may win by being the string trained on.
	PartUnmatched = "unmatched"
)

// PartMetrics are one subset of a probe suite's items at one round,
// selected by the items' probe kind, whether the exam fact they are about
// (exam.Item.About) was mined in an accepted round or this one, and their
// familiarity; an empty selector takes every value, except that the
// mined parts with Probe "" leave out interference probes (the
// knowledge probes together; the familiarity parts keep them). A
// suite with probes gets, in this order: each probe kind, a
// non-interference kind followed by its mined and not-mined halves; all
// non-interference probes of mined facts together (the demo's probe
// gain), then those split by whether their distractors were mined too
// (Distractors matched or unmatched; probes with ChoiceAbout only); each
// familiarity. The
// mined subsets grow with the rounds, so each round compares its own
// subset with round 0's answers on the same items.
type PartMetrics struct {
	Name        string `json:"name"` // "reverse", "reverse mined", "probes mined", "familiarity withheld"
	Probe       string `json:"probe,omitempty"`
	Mined       string `json:"mined,omitempty"`
	Familiarity string `json:"familiarity,omitempty"`
	Distractors string `json:"distractors,omitempty"` // PartMatched or PartUnmatched
	// Acc is the subset's accuracy, Gain its change since round 0 in
	// points on the same items and McNemarBase its significance
	// (absent at round 0).
	Acc         metrics.Interval     `json:"acc"`
	Gain        float64              `json:"gain"`
	McNemarBase *metrics.McNemarTest `json:"mcnemar_base,omitempty"`
	// MaxLoss (interference parts, after round 0) is the ceiling on the
	// points lost, at 95 %: round 0's accuracy minus the Wilson lower
	// bound of the current one. Interference is reported as a loss under
	// this ceiling, never as gain.
	MaxLoss float64 `json:"max_loss,omitempty"`
}

// Gate is the accept-or-roll-back decision of a round.
type Gate struct {
	Accepted bool     `json:"accepted"`
	Reasons  []string `json:"reasons,omitempty"`
	// Forgetting is the largest drop, in points, of a general suite's dev
	// half (SuiteMetrics.Dev) versus round 0: what the gate limits. The
	// test half's drop is RoundMetrics.ForgettingTest.
	Forgetting float64 `json:"forgetting"`
	// Broken counts items, over all suites, right before the round and wrong after.
	Broken int `json:"broken"`
}

// ReportedForgetting is the forgetting a round reports, in points: the
// largest drop since round 0 of a general suite's test half, which the
// gate never sees (ForgettingTest), or, for a round measured with no
// such split, the gate's own drop (Gate.Forgetting). The run summary's
// "lost" and the tables' "forget test" column show it.
func (m RoundMetrics) ReportedForgetting() float64 {
	for _, sm := range m.Suites {
		if sm.Test != nil {
			return m.ForgettingTest
		}
	}
	return m.Gate.Forgetting
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
	// Forgetting is Chaudhry's measure on the general suites (whole), in
	// points. BWT is backward transfer on the mined items, in points: for
	// each earlier round i, the accuracy now on the items round i trained
	// on minus their accuracy right after round i, averaged over rounds
	// (negative when later rounds undo earlier fixes).
	Forgetting float64 `json:"forgetting"`
	BWT        float64 `json:"bwt"`
	// ForgettingTest is the largest drop since round 0, in points, of a
	// general suite's test half, which the gate never sees: the
	// forgetting a run reports (0 when nothing dropped).
	ForgettingTest float64 `json:"forgetting_test,omitempty"`
	// Tokens and Examples trained, per example kind; LossTokens counts
	// only the tokens under the loss (an instruction example's answer,
	// not its prompt).
	Tokens     map[string]int `json:"tokens,omitempty"`
	LossTokens map[string]int `json:"loss_tokens,omitempty"`
	Examples   map[string]int `json:"examples,omitempty"`
	// Candidates retrieved, Evidence kept and Rejects per filter.
	Candidates int            `json:"candidates"`
	Evidence   int            `json:"evidence"`
	Rejects    map[string]int `json:"rejects,omitempty"`
	// Model is the candidate model (path relative to the run folder).
	Model model.Ref `json:"model"`
	// Usage is what the round's stages cost on metered backends (OpenAI-
	// compatible servers), by label such as "model/exam" or
	// "helper/extract"; empty when no backend is metered.
	Usage map[string]model.Usage `json:"usage,omitempty"`
}

// Summary is a run's metrics.json: the accepted trajectory's accuracy
// matrix (row r = the model in force after round r) and every round's
// measurements.
type Summary struct {
	Name     string            `json:"name"`
	Baseline string            `json:"baseline,omitempty"`
	Seed     int64             `json:"seed"`
	Roles    map[string]string `json:"roles"` // suite name -> role
	// Scoring is how multiple-choice answers were ranked (exam.scoring:
	// mean, sum or pmi); empty in runs written before it was recorded.
	Scoring string `json:"scoring,omitempty"`
	// Warnings are what the run lacked that its results depend on (an
	// optional knowledge source left out, say), for every report to show.
	Warnings []string       `json:"warnings,omitempty"`
	Matrix   metrics.Matrix `json:"matrix"`
	Rounds   []RoundMetrics `json:"rounds"`
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

// Manifest is written beside each stage artifact, after it.
type Manifest struct {
	Stage string `json:"stage"`
	Round int    `json:"round"`
	// InputHash covers the stage's inputs and settings; a stage whose
	// InputHash is unchanged is not redone.
	InputHash string `json:"input_hash"`
	// OutputHash is the SHA-256 of the artifact file.
	OutputHash string  `json:"output_hash"`
	Records    int     `json:"records"`
	Seconds    float64 `json:"seconds"`
	// Extra holds stage-specific data (the trainset's mix manifest).
	Extra json.RawMessage `json:"extra,omitempty"`
	// Usage is what the stage cost on metered backends, by meter label
	// (see loop.Meter); it counts again when a resumed run reuses the stage.
	Usage map[string]model.Usage `json:"usage,omitempty"`
	// Outputs are the tree hashes (see loop's hashTree) of what the stage wrote
	// besides its artifact, such as the train stage's checkpoint folder,
	// by path (relative to the run folder when inside it). A resumed run
	// redoes the stage when any of them is missing or changed.
	Outputs map[string]string `json:"outputs,omitempty"`
}

// RunInfo is a run's run.json.
type RunInfo struct {
	Name     string `json:"name"`
	Seed     int64  `json:"seed"`
	Rounds   int    `json:"rounds"`
	Baseline string `json:"baseline,omitempty"`
}
