package loop

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/model"
)

// roundSeed derives the seed of round r from the run's seed, so that a
// rolled-back round is not simply repeated.
func roundSeed(seed int64, r int) int64 { return seed*1_000_003 + int64(r) }

// runRound runs round r >= 1 from the accepted state s and updates s.
func runRound(ctx context.Context, st *stepper, opts Options, suites []Suite, s *state, r int) error {
	cfg := opts.Config
	stg := opts.Workers
	seed := roundSeed(cfg.Seed, r)
	prevHash := hashOf(s.answers)

	var examSuites []Suite
	for _, su := range suites {
		if su.Role == config.RoleExam {
			examSuites = append(examSuites, su)
		}
	}
	mineKey := []any{rundir.StageMistakes, prevHash, s.suitesHash, cfg.Mistakes}
	if cfg.Baseline == config.BaselineUntargeted {
		mineKey = append(mineKey, cfg.Baseline) // drawn, not mined
	}
	mistakes, mh, _, err := runStep(ctx, st, r, rundir.StageMistakes, hashOf(mineKey...),
		func(ctx context.Context) (stepOut[mistake.Mistake], error) {
			var examAnswers []rundir.Answer
			for _, a := range s.answers {
				if s.summary.Roles[a.Suite] == config.RoleExam {
					examAnswers = append(examAnswers, a)
				}
			}
			ms, err := stg.Miner.Mine(ctx, examSuites, examAnswers)
			return stepOut[mistake.Mistake]{records: ms}, err
		})
	if err != nil {
		return err
	}
	cands, ch, err := searchStep(ctx, st, opts, r, mistakes, mh)
	if err != nil {
		return err
	}
	verdicts, vh, _, err := runStep(ctx, st, r, rundir.StageCuration, hashOf(rundir.StageCuration, ch, mh, s.suitesHash, cfg.Curation),
		func(ctx context.Context) (stepOut[curate.Verdict], error) {
			vs, err := stg.Curator.Curate(ctx, mistakes, cands, suites)
			if err == nil && len(vs) != len(cands) {
				err = fmt.Errorf("curator gave %d verdicts for %d candidates", len(vs), len(cands))
			}
			return stepOut[curate.Verdict]{records: vs}, err
		})
	if err != nil {
		return err
	}
	if cfg.Curation.Review != nil {
		if verdicts, vh, err = reviewStep(ctx, st, opts, r, verdicts, vh); err != nil {
			return err
		}
	}
	var evidence []curate.Candidate
	for _, v := range verdicts {
		if v.Keep {
			evidence = append(evidence, v.Candidate)
		}
	}
	reviewHash := hashOf(s.previous)
	setKey := []any{rundir.StageTrainset, vh, mh, reviewHash, cfg.Mix, cfg.Baseline, seed}
	if cfg.BaselineScale != 0 && cfg.BaselineScale != 1 {
		setKey = append(setKey, cfg.BaselineScale)
	}
	examples, th, _, err := runStep(ctx, st, r, rundir.StageTrainset,
		hashOf(withFingerprint(fingerprint(stg.Builder), setKey...)...),
		func(ctx context.Context) (stepOut[model.Example], error) {
			set, err := stg.Builder.Build(ctx, BuildInput{Round: r, Seed: seed, Baseline: cfg.Baseline, Scale: cfg.BaselineScale,
				Mistakes: mistakes, Evidence: evidence, Previous: s.previous})
			return stepOut[model.Example]{records: set.Examples, extra: set.Manifest}, err
		})
	if err != nil {
		return err
	}
	if len(examples) == 0 {
		// Nothing was kept to learn from (no evidence, no review or
		// replay): the round cannot train, so it keeps the model in force
		// and says why instead of failing the run.
		m := roundMetrics(r, suites, s, s.answers, mistakes, trainStats{verdicts: verdicts, tokens: stg.Tokens})
		m.Model = relRef(s.ref, opts.Dir)
		m.Gate = rundir.Gate{Reasons: []string{errEmptyTrainset.Error()}}
		st.obs.Event(Event{Kind: Note, Round: r, Msg: fmt.Sprintf("round %d: %v; the model in force is kept", r, errEmptyTrainset)})
		s.history = append(s.history, s.answers)
		s.mined = append(s.mined, nil)
		return s.finishRound(ctx, st, opts, m, s.answers)
	}
	from := s.ref
	trained, _, _, err := runStep(ctx, st, r, rundir.StageTrain, hashOf(rundir.StageTrain, th, s.refHash, cfg.Trainer, seed),
		func(ctx context.Context) (stepOut[rundir.TrainResult], error) {
			dir := filepath.Join(st.roundDir(r), "train")
			to, err := stg.Trainer.Train(ctx, absRef(from, opts.Dir), model.TrainSet{Dir: dir, Examples: examples, Seed: seed, Round: r})
			if err != nil {
				return stepOut[rundir.TrainResult]{}, err
			}
			if to == (model.Ref{}) {
				return stepOut[rundir.TrainResult]{}, errNoModel
			}
			out := stepOut[rundir.TrainResult]{records: []rundir.TrainResult{{From: relRef(from, opts.Dir), To: relRef(to, opts.Dir)}}}
			if to.Path != "" {
				// The checkpoint is the stage's real output: its tree hash
				// goes into the manifest, so a damaged one is trained again.
				out.outputs = []string{to.Path}
			}
			return out, nil
		})
	if err != nil {
		return err
	}
	if len(trained) != 1 {
		return fmt.Errorf("round %d train: artifact holds %d records, want 1", r, len(trained))
	}
	to := trained[0].To
	toHash, err := hashRef(to, opts.Dir)
	if err != nil {
		return fmt.Errorf("round %d trained model: %w", r, err)
	}
	examRef, examHash, err := examinedRef(ctx, st, opts, r, to, toHash)
	if err != nil {
		return err
	}
	answers, _, err := examStep(ctx, st, opts, suites, r, examRef, examHash)
	if err != nil {
		return err
	}

	ts := trainStats{examples: examples, verdicts: verdicts, tokens: stg.Tokens}
	m := roundMetrics(r, suites, s, answers, mistakes, ts)
	m.Model = to
	m.Gate = gate(cfg.Gate, m)
	if m.Gate.Accepted {
		s.ref, s.refHash, s.answers = to, toHash, answers
		s.previous = append(s.previous, examples...)
	}
	s.history = append(s.history, s.answers)
	keys := make([]string, len(mistakes))
	for i, mi := range mistakes {
		keys[i] = itemKey(mi.Suite, mi.Item.ID)
	}
	if !m.Gate.Accepted {
		keys = nil
	}
	s.mined = append(s.mined, keys)
	if !m.Gate.Accepted {
		if err := redeploy(ctx, st, opts, s, r); err != nil {
			return err
		}
	}
	return s.finishRound(ctx, st, opts, m, answers)
}

// searchStep runs the queries and retrieval stages of round r for ms;
// planIn stands for ms in the queries stage's input hash. It returns the
// retrieved candidates and the retrieval stage's hash.
func searchStep(ctx context.Context, st *stepper, opts Options, r int, ms []mistake.Mistake, planIn ...any) ([]curate.Candidate, string, error) {
	cfg, stg := opts.Config, opts.Workers
	planKey := append(append([]any{rundir.StageQueries}, planIn...), cfg.Sources)
	queries, qh, _, err := runStep(ctx, st, r, rundir.StageQueries, hashOf(withFingerprint(fingerprint(stg.Planner), planKey...)...),
		func(ctx context.Context) (stepOut[mistake.Query], error) {
			qs, err := stg.Planner.Plan(ctx, ms)
			return stepOut[mistake.Query]{records: qs}, err
		})
	if err != nil {
		return nil, "", err
	}
	cands, ch, _, err := runStep(ctx, st, r, rundir.StageRetrieval, hashOf(withFingerprint(fingerprint(stg.Retriever), rundir.StageRetrieval, qh, cfg.Sources)...),
		func(ctx context.Context) (stepOut[curate.Candidate], error) {
			cs, err := stg.Retriever.Retrieve(ctx, queries)
			return stepOut[curate.Candidate]{records: cs}, err
		})
	return cands, ch, err
}

// finishRound records round metrics m (whose candidate answers are
// answers): the round's metrics.json, the run's metrics.json (unless that
// holds more rounds, see state.keptRounds) and the index.
func (s *state) finishRound(ctx context.Context, st *stepper, opts Options, m rundir.RoundMetrics, answers []rundir.Answer) error {
	m.Usage = st.usage[m.Round]
	s.summary.Rounds = append(s.summary.Rounds, m)
	s.summary.Matrix = matrixOf(s.history)
	if err := rundir.WriteJSON(filepath.Join(st.roundDir(m.Round), rundir.StageMetrics+".json"), m); err != nil {
		return err
	}
	// The run's metrics.json follows the rounds as they finish, but never
	// loses rounds before the run succeeds (Run writes it then).
	if len(s.summary.Rounds) >= s.keptRounds {
		if err := rundir.WriteJSON(filepath.Join(opts.Dir, "metrics.json"), s.summary); err != nil {
			return err
		}
	}
	if opts.Index != nil {
		if err := opts.Index.IndexRound(ctx, opts.Dir, s.summary, m.Round, answers); err != nil {
			return fmt.Errorf("round %d index: %w", m.Round, err)
		}
	}
	st.obs.Event(Event{Kind: RoundFinished, Round: m.Round, Metrics: &m})
	return nil
}

// gateSlack absorbs float error in the comparison with max_forgetting:
// a drop of exactly the limit (8 items of 400 is 100*(392/400-1) =
// -2.0000000000000018 points) passes. Real drops differ by at least one
// item, far more than this.
const gateSlack = 1e-9

// gate decides whether round metrics m pass the configured limits. It
// watches the dev half of each general suite (SuiteMetrics.Dev; the whole
// suite when it has no split), never the test half that forgetting is
// reported on.
func gate(g config.GateConfig, m rundir.RoundMetrics) rundir.Gate {
	out := rundir.Gate{Accepted: true}
	for _, sm := range m.Suites {
		drop := -sm.Gain
		if sm.Dev != nil {
			drop = -sm.DevGain
		}
		if sm.Role == config.RoleGeneral && drop > out.Forgetting {
			out.Forgetting = drop
		}
		out.Broken += sm.Broken
	}
	if g.MaxForgetting != nil && *g.MaxForgetting >= 0 && out.Forgetting > *g.MaxForgetting+gateSlack {
		out.Accepted = false
		out.Reasons = append(out.Reasons, fmt.Sprintf("forgetting %.1f points on a general suite's dev half > %.1f allowed", out.Forgetting, *g.MaxForgetting))
	}
	if g.MaxBroken != nil && *g.MaxBroken >= 0 && out.Broken > *g.MaxBroken {
		out.Accepted = false
		out.Reasons = append(out.Reasons, fmt.Sprintf("%d items broken > %d allowed", out.Broken, *g.MaxBroken))
	}
	slices.Sort(out.Reasons)
	return out
}

func itemKey(suite, id string) string { return suite + "/" + id }

// reviewStep draws round r's review sample from curation's verdicts (with
// the config's seed), writes it into the run folder and applies the
// reviewers' decisions: the review stage, whose artifact is the reviewed
// verdicts and whose input hash holds curation's output hash, the review
// settings and the decisions in force on the sample. A changed decision
// thus redoes the review stage and, when the evidence changes, the
// training set and what follows, never curation's own filtering. With
// curation.review.require and undecided passages it stops the run with a
// *review.AwaitingError.
func reviewStep(ctx context.Context, st *stepper, opts Options, r int, verdicts []curate.Verdict, vh string) ([]curate.Verdict, string, error) {
	rc := opts.Config.Curation.Review
	sample := review.Sample(verdicts, rc, opts.Config.Seed, r)
	old, err := review.ReadSample(opts.Dir, r)
	if err != nil {
		return nil, "", fmt.Errorf("round %d review: %w", r, err)
	}
	if hashOf(old) != hashOf(sample) {
		if err := review.WriteSample(opts.Dir, r, sample); err != nil {
			return nil, "", err
		}
	}
	ds, err := review.Decisions(opts.Dir, r)
	if err != nil {
		return nil, "", fmt.Errorf("round %d review: %w", r, err)
	}
	latest := review.Latest(ds)
	var inForce []review.Decision
	for _, it := range sample {
		if d, ok := latest[it.PassageID]; ok {
			d.At = d.At.UTC()
			inForce = append(inForce, d)
		}
	}
	if pending := len(sample) - len(inForce); rc.Require && pending > 0 {
		return nil, "", &review.AwaitingError{Dir: opts.Dir, Round: r, Pending: pending, Sampled: len(sample)}
	}
	reviewed, rh, _, err := runStep(ctx, st, r, rundir.StageReview, hashOf(rundir.StageReview, vh, rc, opts.Config.Seed, inForce),
		func(context.Context) (stepOut[curate.Verdict], error) {
			out, oc := review.Apply(verdicts, sample, inForce, rc)
			return stepOut[curate.Verdict]{records: out, extra: oc}, nil
		})
	return reviewed, rh, err
}
