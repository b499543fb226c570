package loop

import (
	"context"
	"time"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// Suite is a loaded exam suite.
type Suite struct {
	Name  string
	Role  string
	Items []exam.Item
}

// Examiner grades a model on a suite's items. progress, when not nil,
// gets an update with the items done so far.
type Examiner interface {
	Exam(ctx context.Context, m model.Model, s Suite, progress progress.Reporter) ([]rundir.Answer, error)
}

// Miner selects the mistakes to train on from a round's answers on the
// exam suites (never heldout, ood or general ones).
type Miner interface {
	Mine(ctx context.Context, suites []Suite, answers []rundir.Answer) ([]mistake.Mistake, error)
}

// Planner turns mistakes into search queries (knowledge points).
type Planner interface {
	Plan(ctx context.Context, mistakes []mistake.Mistake) ([]mistake.Query, error)
}

// Retriever searches the knowledge sources for each query.
type Retriever interface {
	Retrieve(ctx context.Context, queries []mistake.Query) ([]curate.Candidate, error)
}

// Curator filters candidates, giving a verdict for each (in input order).
// suites holds every suite, so that curation can decontaminate against
// the items that are never mined.
type Curator interface {
	Curate(ctx context.Context, mistakes []mistake.Mistake, cands []curate.Candidate, suites []Suite) ([]curate.Verdict, error)
}

// BuildInput is what a training set is built from.
type BuildInput struct {
	Round    int
	Seed     int64
	Baseline string // config.Baseline* mode
	// Scale is config.BaselineScale: the random and random-evidence
	// baselines' loss-bearing tokens as a multiple of CEM's (0 means 1).
	Scale    float64
	Mistakes []mistake.Mistake
	Evidence []curate.Candidate
	// Previous holds the examples of earlier accepted rounds, oldest
	// first (the pool for review examples).
	Previous []model.Example
}

// Builder builds a round's training set.
type Builder interface {
	Build(ctx context.Context, in BuildInput) (TrainSet, error)
}

// Opener opens a model for inference.
type Opener interface {
	Open(ctx context.Context, ref model.Ref) (model.Model, error)
}

// Workers do the round's stages. Every field is required.
type Workers struct {
	Examiner  Examiner
	Miner     Miner
	Planner   Planner
	Retriever Retriever
	Curator   Curator
	Builder   Builder
	Trainer   model.Trainer
	Opener    Opener
	// Tokens counts the tokens of a text for the tokens-per-kind metric;
	// nil counts whitespace-separated words.
	Tokens func(string) int
	// Meter, when set, reports the usage of metered backends (requests,
	// tokens, cost); each round's share goes into its metrics.
	Meter Meter
	// Deployer, when set, serves each trained model before its exam and
	// the accepted one again after a rollback (see Deployer).
	Deployer Deployer
}

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	StageStarted  EventKind = iota // a stage begins; Total may be set
	StageProgress                  // Done of Total units are finished
	StageFinished                  // the stage wrote its artifact; Elapsed is set
	StageSkipped                   // the stage's artifact was reused
	RoundFinished                  // Metrics holds the round's measurements
	Note                           // Msg is a line for the user
)

// Event is one progress report of a run.
type Event struct {
	Kind    EventKind
	Round   int
	Stage   string
	Done    int
	Total   int
	Elapsed time.Duration
	Msg     string
	Metrics *rundir.RoundMetrics
}

// Observer receives a run's events, in order, from the goroutine that
// calls Run. It must not block for long.
type Observer interface {
	Event(Event)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(Event)

// Event calls f(e).
func (f ObserverFunc) Event(e Event) { f(e) }

type nopObserver struct{}

func (nopObserver) Event(Event) {}
