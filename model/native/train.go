package native

import (
	"github.com/cemlab/cem/internal/defaults"
	"github.com/cemlab/cem/internal/progress"

	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

// Options are the training settings of Trainer and Pretrain. The zero
// value of a field selects the default in brackets.
type Options struct {
	LR        float64 // peak learning rate [defaults.LearningRate: 1e-3]
	MinLRFrac float64 // final LR as a fraction of LR [0.1]
	Epochs    int     // passes over the examples [defaults.Epochs: 2]; ignored when Steps > 0
	Steps     int     // optimiser steps; 0 derives them from Epochs
	// MinSteps is a floor on the derived step count [0]: small training
	// sets (a few thousand tokens) otherwise get one or two updates per
	// epoch, too few to learn new facts.
	MinSteps    int
	BatchTokens int     // positions per optimiser step [4096]
	MicroTokens int     // positions per forward/backward pass [min(BatchTokens, 4096)]; bounds memory
	SeqLen      int     // packed row length [the model's max_seq_len]
	Warmup      int     // warmup steps [min(100, steps/10)]
	WeightDecay float64 // decoupled weight decay on matrices [0.1]; negative means none
	GradClip    float64 // global gradient norm limit [1]; negative disables
	Seed        uint64  // data order [TrainSet.Seed]
	// Out is the checkpoint folder Train writes; empty means
	// <TrainSet.Dir>/model.
	Out string
	// CheckpointEvery saves a resumable checkpoint to Out every this many
	// steps [0: only when interrupted and at the end].
	CheckpointEvery int
	// Progress, when set, gets an update after every step: steps done and
	// planned, the loss, and the nn.StepInfo as Detail.
	Progress progress.Reporter
}

func (o Options) withDefaults(maxSeq int) Options {
	if o.LR == 0 {
		o.LR = defaults.LearningRate
	}
	if o.Epochs <= 0 {
		o.Epochs = defaults.Epochs
	}
	if o.BatchTokens <= 0 {
		o.BatchTokens = 4096
	}
	if o.SeqLen <= 0 || o.SeqLen > maxSeq {
		o.SeqLen = maxSeq
	}
	if o.MicroTokens <= 0 {
		o.MicroTokens = min(o.BatchTokens, 4096)
	}
	return o
}

// Trainer trains native checkpoints; it implements model.Trainer.
type Trainer struct {
	Options Options
}

var _ model.Trainer = (*Trainer)(nil)

// Train loads the checkpoint at from.Path, trains it on set.Examples in
// order (packed, rows shuffled per epoch from the seed) with a fresh
// optimiser, and writes the result to Options.Out (or <set.Dir>/model).
// If that folder holds an interrupted run of the same base, data and
// options, training resumes from it. On cancellation it saves a
// resumable checkpoint and returns ctx's error.
func (t *Trainer) Train(ctx context.Context, from model.Ref, set model.TrainSet) (model.Ref, error) {
	base, err := OpenCheckpoint(from)
	if err != nil {
		return model.Ref{}, err
	}
	out := t.Options.Out
	if out == "" {
		if set.Dir == "" {
			return model.Ref{}, fmt.Errorf("native: train: no output folder (set Options.Out or TrainSet.Dir)")
		}
		out = filepath.Join(set.Dir, "model")
	}
	opts := t.Options
	if opts.Seed == 0 {
		opts.Seed = uint64(set.Seed)
	}
	if err := TrainCheckpoint(ctx, base, set.Examples, opts, out); err != nil {
		return model.Ref{}, err
	}
	return model.Ref{Backend: Backend, Path: out}, nil
}

// OpenCheckpoint loads the checkpoint a native model.Ref names.
func OpenCheckpoint(ref model.Ref) (*Checkpoint, error) {
	path, err := refPath(ref, "train")
	if err != nil {
		return nil, err
	}
	return Load(path)
}

// Docs turns examples into token documents with loss weights (see the
// package comment for the format). Example.Weight scales the loss of its
// tokens (0 means 1); a negative weight is an error naming the example.
func Docs(tok *tokenizer.Tokenizer, examples []model.Example) ([]nn.Doc, error) {
	docs := make([]nn.Doc, 0, len(examples))
	for i, ex := range examples {
		w := float32(ex.Weight)
		if ex.Weight == 0 {
			w = 1
		}
		if w < 0 {
			return nil, fmt.Errorf("native: example %d (%s): negative weight %g", i, ex.ID, ex.Weight)
		}
		var d nn.Doc
		add := func(ids []int, weight float32) {
			for _, id := range ids {
				d.Tokens = append(d.Tokens, int32(id))
				d.Weights = append(d.Weights, weight)
			}
		}
		add([]int{tok.BOS()}, 0)
		if ex.Prompt != "" {
			add([]int{tok.Inst()}, 0)
			add(tok.Encode(ex.Prompt), 0)
			add([]int{tok.Resp()}, 0)
		}
		add(tok.Encode(ex.Text), w)
		add([]int{tok.EOS()}, w)
		docs = append(docs, d)
	}
	return docs, nil
}

// TrainCheckpoint trains base on examples and writes the checkpoint to
// out (see Trainer.Train). base is not modified.
func TrainCheckpoint(ctx context.Context, base *Checkpoint, examples []model.Example, opts Options, out string) error {
	cfg := base.Net.Config
	opts = opts.withDefaults(cfg.MaxSeq)
	docs, err := Docs(base.Tok, examples)
	if err != nil {
		return err
	}
	rows, err := nn.Pack(docs, opts.SeqLen, int32(base.Tok.Pad()), cfg.Vocab)
	if err != nil {
		return fmt.Errorf("native: train: %w", err)
	}
	if len(rows) == 0 {
		return fmt.Errorf("native: train: the %d examples hold no trainable tokens", len(examples))
	}
	batchRows := max(1, opts.BatchTokens/opts.SeqLen)
	steps := opts.Steps
	if steps <= 0 {
		steps = max(opts.Epochs*((len(rows)+batchRows-1)/batchRows), opts.MinSteps)
	}
	fp, err := fingerprint(base.Dir, examples, opts)
	if err != nil {
		return err
	}
	var net *nn.Model
	var opt *nn.AdamW
	if prev, err := Load(out); err == nil && prev.State != nil && prev.State.Fingerprint == fp {
		net, opt = prev.Net, prev.Opt // resume
	} else if net, err = nn.NewModelFrom(cfg, append([]float32(nil), base.Net.Params...)); err != nil {
		return fmt.Errorf("native: train: %w", err)
	}
	tc := nn.TrainConfig{
		Optim: nn.OptimConfig{LR: opts.LR, MinLRFrac: opts.MinLRFrac, Warmup: opts.Warmup, Steps: steps,
			WeightDecay: opts.WeightDecay, GradClip: opts.GradClip},
		BatchRows: batchRows,
		MicroRows: max(1, opts.MicroTokens/opts.SeqLen),
		Seed:      opts.Seed,
	}
	run, err := nn.NewRun(net, opt, rows, tc)
	if err != nil {
		return fmt.Errorf("native: train: %w", err)
	}
	ck := &Checkpoint{Net: net, Tok: base.Tok, Opt: run.Opt,
		State: &TrainState{Steps: steps, Seed: opts.Seed, Fingerprint: fp, From: base.Dir}}
	for run.Opt.Step < steps {
		until := steps
		if opts.CheckpointEvery > 0 {
			until = min(steps, (run.Opt.Step/opts.CheckpointEvery+1)*opts.CheckpointEvery)
		}
		err := run.Train(ctx, until, stepReporter(opts.Progress))
		if err != nil {
			if ctx.Err() != nil && run.Opt.Step > 0 {
				if serr := ck.Save(out); serr != nil {
					return errors.Join(err, serr)
				}
			}
			return fmt.Errorf("native: train: %w", err)
		}
		if run.Opt.Step < steps {
			if err := ck.Save(out); err != nil {
				return err
			}
		}
	}
	ck.Opt, ck.State = nil, nil
	return ck.Save(out)
}

// fingerprint identifies a training job: base folder, examples and the
// options that change the result.
func fingerprint(base string, examples []model.Example, o Options) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	abs, _ := filepath.Abs(base)
	knobs := []any{abs, o.LR, o.MinLRFrac, o.Epochs, o.Steps, o.MinSteps, o.BatchTokens, o.MicroTokens, o.SeqLen, o.Warmup, o.WeightDecay, o.GradClip, o.Seed}
	if st, err := os.Stat(filepath.Join(base, WeightsFile)); err == nil {
		knobs = append(knobs, st.Size(), st.ModTime().UnixNano())
	}
	if err := enc.Encode(knobs); err != nil {
		return "", fmt.Errorf("native: fingerprint: %w", err)
	}
	for _, ex := range examples {
		if err := enc.Encode(ex); err != nil {
			return "", fmt.Errorf("native: fingerprint: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// stepReporter passes each training step to r; nil when r is nil.
func stepReporter(r progress.Reporter) func(nn.StepInfo) error {
	if r == nil {
		return nil
	}
	return func(s nn.StepInfo) error {
		r.Report(progress.Update{Done: s.Step, Total: s.Steps, Train: true, Loss: s.Loss, Detail: s})
		return nil
	}
}
