package loop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// Options configure Run.
type Options struct {
	// Dir is the run folder; it is created when missing and resumed when
	// it holds artifacts of an earlier, interrupted run.
	Dir string
	// Config is the run's configuration, defaulted and validated.
	Config *config.Config
	// Suites are the loaded suites, one per Config.Suites entry, same order.
	Suites []Suite
	// Base is the model examined in round 0 and trained in round 1.
	Base model.Ref
	// Workers do the stages' work.
	Workers Workers
	// Observer receives progress events; nil discards them.
	Observer Observer
	// Index, when set, is updated after every round (see the store package).
	Index Indexer
	// Previous are examples the base model was trained on (for example
	// its instruction tuning); from round 1 they join the accepted rounds'
	// examples offered to the Builder for review.
	Previous []model.Example
	// Force lets Run take over a folder that holds another configuration's
	// run (another name, seed, baseline, base model or suites); without it
	// Run refuses such a folder with an error wrapping ErrOtherRun.
	Force bool
	// Warnings are recorded in the run's summary (Summary.Warnings) and
	// sent to the Observer as notes when the run starts: what the run
	// lacks that its results depend on, such as an optional source.
	Warnings []string
}

// Indexer records a run's rounds in a queryable index; it is called once
// per round, after the round's metrics are written, and must be
// idempotent (a resumed run records a round again).
type Indexer interface {
	IndexRound(ctx context.Context, dir string, s *rundir.Summary, r int, answers []rundir.Answer) error
}

// state is the accepted trajectory while rounds run.
type state struct {
	ref        model.Ref // model in force
	refHash    string
	answers    []rundir.Answer   // its answers on every suite
	history    [][]rundir.Answer // accepted answers after each round (row r)
	previous   []model.Example   // examples of the accepted rounds
	mined      [][]string        // mistakes trained at each round (keys), round 0 empty
	summary    *rundir.Summary
	suitesHash string
	// keptRounds is the number of rounds of the metrics.json found in the
	// run folder: an invocation writes a summary with fewer rounds only
	// when it succeeds, so a failing resume never shrinks a finished run's.
	keptRounds int
}

// Run runs (or resumes) the rounds of opts.Config in opts.Dir and returns
// the run's Summary, also written to <Dir>/metrics.json (and wall times to
// <Dir>/timings.json). Each round's stages are skipped when their inputs
// and settings are unchanged, so calling Run again on a finished run only
// recomputes the metrics. A cancelled ctx stops Run at the next stage
// boundary (or inside a stage that honours ctx) with ctx's error; the
// artifacts written so far are complete and reused by the next Run.
//
// Run holds a lock on Dir while it works (a second Run on the same folder
// fails at once, naming the holder's pid), refuses a folder that holds
// another configuration's run unless opts.Force, and first removes the
// temporary files of writes that a killed run left in Dir.
func Run(ctx context.Context, opts Options) (*rundir.Summary, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	// An absolute run folder: checkpoint paths are recorded relative to
	// it (relRef) and resolved against it (absRef, hashRef), so a
	// relative Dir would be joined twice.
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("run folder: %w", err)
	}
	opts.Dir = dir
	cfg := opts.Config
	obs := opts.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	baseHash, err := hashRef(opts.Base, opts.Dir) // before anything is written
	if err != nil {
		return nil, fmt.Errorf("base model: %w", err)
	}
	lock, keptRounds, err := openRun(opts, obs)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if err := writeRunFiles(opts); err != nil {
		return nil, err
	}
	st := &stepper{dir: opts.Dir, obs: obs, meter: opts.Workers.Meter}
	suites := limitSuites(opts.Suites, cfg.Exam.Limit)
	s := &state{ref: opts.Base, previous: opts.Previous, keptRounds: keptRounds, summary: &rundir.Summary{Name: cfg.Name, Baseline: cfg.Baseline, Seed: cfg.Seed, Roles: map[string]string{}, Scoring: cfg.Exam.Scoring}}
	for _, su := range suites {
		s.summary.Roles[su.Name] = su.Role
	}
	s.summary.Warnings = opts.Warnings
	for _, w := range opts.Warnings {
		obs.Event(Event{Kind: Note, Msg: "warning: " + w})
	}
	s.suitesHash = hashOf(suites)
	s.refHash = baseHash

	// Round 0: the base model on every suite.
	answers, _, err := examStep(ctx, st, opts, suites, 0, opts.Base, s.refHash)
	if err != nil {
		return nil, err
	}
	s.answers = answers
	s.history = [][]rundir.Answer{answers}
	s.mined = [][]string{nil}
	m0 := roundMetrics(0, suites, s, answers, nil, trainStats{})
	m0.Gate = rundir.Gate{Accepted: true}
	if err := s.finishRound(ctx, st, opts, m0, answers); err != nil {
		return nil, err
	}

	switch {
	case cfg.Baseline == config.BaselineRAG && cfg.Rounds > 0:
		// No training: one round examines the base model with retrieval.
		if err := ragRound(ctx, st, opts, suites, s); err != nil {
			return nil, err
		}
	case cfg.Baseline != config.BaselineRAG:
		for r := 1; r <= cfg.Rounds; r++ {
			if err := runRound(ctx, st, opts, suites, s, r); err != nil {
				return nil, err
			}
		}
	}
	// The run succeeded: its summary replaces whatever metrics.json held.
	if err := rundir.WriteJSON(filepath.Join(opts.Dir, "metrics.json"), s.summary); err != nil {
		return nil, err
	}
	if err := rundir.WriteJSON(filepath.Join(opts.Dir, "timings.json"), st.timings); err != nil {
		return nil, err
	}
	return s.summary, nil
}

func (o *Options) check() error {
	var missing []string
	if o.Dir == "" {
		missing = append(missing, "Dir")
	}
	if o.Config == nil {
		missing = append(missing, "Config")
	}
	st := o.Workers
	for name, v := range map[string]any{"Examiner": st.Examiner, "Miner": st.Miner, "Planner": st.Planner,
		"Retriever": st.Retriever, "Curator": st.Curator, "Builder": st.Builder, "Trainer": st.Trainer, "Opener": st.Opener} {
		if v == nil && (name == "Examiner" || name == "Opener" || o.Config == nil || !o.Config.ExamOnly()) {
			missing = append(missing, "Workers."+name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("loop: missing %s", strings.Join(missing, ", "))
	}
	if o.Config != nil && len(o.Suites) != len(o.Config.Suites) {
		return fmt.Errorf("loop: %d suites loaded for %d configured", len(o.Suites), len(o.Config.Suites))
	}
	return nil
}

// writeRunFiles writes config.yaml and run.json into the run folder,
// each only when its content changed, so that a finished run in a
// read-only folder is not written to.
func writeRunFiles(opts Options) error {
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return fmt.Errorf("run folder: %w", err)
	}
	data, err := yaml.Marshal(opts.Config)
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	c := opts.Config
	info, err := json.MarshalIndent(rundir.RunInfo{Name: c.Name, Seed: c.Seed, Rounds: c.Rounds, Baseline: c.Baseline}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode run.json: %w", err)
	}
	for name, data := range map[string][]byte{"config.yaml": data, "run.json": append(info, '\n')} {
		path := filepath.Join(opts.Dir, name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := rundir.WriteFile(path, data); err != nil {
			return err
		}
	}
	return nil
}

// limitSuites keeps the first limit items of each suite (limit > 0).
func limitSuites(in []Suite, limit int) []Suite {
	out := make([]Suite, len(in))
	for i, s := range in {
		out[i] = s
		if limit > 0 && len(s.Items) > limit {
			out[i].Items = s.Items[:limit]
		}
	}
	return out
}

// hashRef identifies a model's weights: the tree hash of a local
// checkpoint (path relative to dir is allowed), else the ref itself.
func hashRef(ref model.Ref, dir string) (string, error) {
	if ref.Path == "" {
		return hashOf(ref), nil
	}
	p := ref.Path
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	h, err := hashTree(p)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", p, err)
	}
	return hashOf(ref.Backend, ref.Name, h), nil
}

// examStep examines ref on every suite at round r.
func examStep(ctx context.Context, st *stepper, opts Options, suites []Suite, r int, ref model.Ref, refHash string) ([]rundir.Answer, string, error) {
	in := hashOf(rundir.StageExam, refHash, ref.Backend, ref.Name, suitesKey(suites), opts.Config.Exam)
	total := 0
	for _, s := range suites {
		total += len(s.Items)
	}
	answers, h, _, err := runStep(ctx, st, r, rundir.StageExam, in, func(ctx context.Context) (stepOut[rundir.Answer], error) {
		m, err := opts.Workers.Opener.Open(ctx, absRef(ref, opts.Dir))
		if err != nil {
			return stepOut[rundir.Answer]{}, fmt.Errorf("open model: %w", err)
		}
		if c, ok := m.(io.Closer); ok {
			defer c.Close()
		}
		var all []rundir.Answer
		base := 0
		for _, s := range suites {
			progress := progress.Func(func(u progress.Update) {
				st.obs.Event(Event{Kind: StageProgress, Round: r, Stage: rundir.StageExam, Done: base + u.Done, Total: total})
			})
			a, err := opts.Workers.Examiner.Exam(ctx, m, s, progress)
			if err != nil {
				return stepOut[rundir.Answer]{}, fmt.Errorf("suite %s: %w", s.Name, err)
			}
			for i := range a {
				a[i].Suite = s.Name
			}
			all = append(all, a...)
			base += len(s.Items)
		}
		return stepOut[rundir.Answer]{records: all}, nil
	})
	return answers, h, err
}

// suitesKey hashes suites cheaply enough to repeat per stage.
func suitesKey(suites []Suite) string { return hashOf(suites) }

// absRef resolves a relative checkpoint path against the run folder.
func absRef(ref model.Ref, dir string) model.Ref {
	if ref.Path != "" && !filepath.IsAbs(ref.Path) {
		ref.Path = filepath.Join(dir, ref.Path)
	}
	return ref
}

// relRef makes a checkpoint path under dir relative to it, so that run
// records do not depend on where the run folder lives.
func relRef(ref model.Ref, dir string) model.Ref {
	if ref.Path == "" || !filepath.IsAbs(ref.Path) {
		return ref
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return ref
	}
	if rel, err := filepath.Rel(absDir, ref.Path); err == nil && !strings.HasPrefix(rel, "..") {
		ref.Path = filepath.ToSlash(rel)
	}
	return ref
}

var errNoModel = errors.New("trainer returned no model")

// errEmptyTrainset is the gate's reason for a round whose training set is
// empty.
var errEmptyTrainset = errors.New("nothing to train: the training set is empty (no evidence was kept)")
