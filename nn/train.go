package nn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/cemlab/cem/tensor"
)

// TrainConfig holds the training loop's settings. The zero value of a
// field selects the default in brackets.
type TrainConfig struct {
	Optim     OptimConfig // Optim.Steps is the schedule length (required)
	BatchRows int         // rows per optimiser step [1]
	MicroRows int         // rows per forward/backward pass [BatchRows]; bounds activation memory
	Seed      uint64      // data order: rows are shuffled per epoch from (Seed, epoch)
}

// StepInfo reports one finished optimiser step.
type StepInfo struct {
	Step, Steps  int     // steps done (1-based) and planned
	Epoch        int     // 0-based epoch of this step's rows
	Loss         float64 // weighted mean cross-entropy of the step's batch (nats/token)
	LR           float64 // learning rate used
	GradNorm     float64 // gradient norm before clipping
	Tokens       int     // positions processed in this step (including padding)
	TokensPerSec float64 // positions per second over this step
	Elapsed      time.Duration
}

// Run trains a model on packed rows. Data order is a pure function of
// (Seed, step), and the optimiser state (Opt) holds the step count, so a
// Run rebuilt from a saved model and optimiser resumes exactly where an
// uninterrupted one would be.
type Run struct {
	Model *Model
	Opt   *AdamW
	Cfg   TrainConfig
	Rows  []Row

	tape  *tensor.Tape
	start time.Time
	order []int // permutation of the epoch in orderEpoch
	epoch int
}

// NewRun prepares training; opt nil means fresh AdamW moments. It fails
// without rows, without a positive Optim.Steps, or when rows do not
// suit the model.
func NewRun(m *Model, opt *AdamW, rows []Row, cfg TrainConfig) (*Run, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("nn: nothing to train on")
	}
	if cfg.Optim.Steps <= 0 {
		return nil, fmt.Errorf("nn: training needs a positive step count, have %d", cfg.Optim.Steps)
	}
	if cfg.BatchRows <= 0 {
		cfg.BatchRows = 1
	}
	if cfg.MicroRows <= 0 || cfg.MicroRows > cfg.BatchRows {
		cfg.MicroRows = cfg.BatchRows
	}
	for i := range rows {
		if len(rows[i].Tokens) > m.Config.MaxSeq {
			return nil, fmt.Errorf("nn: row %d has %d positions; the model takes at most %d", i, len(rows[i].Tokens), m.Config.MaxSeq)
		}
	}
	if opt == nil {
		opt = NewAdamW(len(m.Params))
	}
	if len(opt.M) != len(m.Params) || len(opt.V) != len(m.Params) {
		return nil, fmt.Errorf("nn: optimiser state for %d parameters, model has %d", len(opt.M), len(m.Params))
	}
	if m.Grads == nil {
		m.Grads = make([]float32, len(m.Params))
	}
	return &Run{Model: m, Opt: opt, Cfg: cfg, Rows: rows, tape: tensor.NewTape(), epoch: -1}, nil
}

// StepsPerEpoch is the number of steps that visit every row once.
func (r *Run) StepsPerEpoch() int { return (len(r.Rows) + r.Cfg.BatchRows - 1) / r.Cfg.BatchRows }

// ArenaBytes is the peak activation memory of one micro-batch so far.
func (r *Run) ArenaBytes() int64 { return r.tape.ArenaBytes() }

// batchRows returns the rows of step s (0-based).
func (r *Run) batchRows(s int) ([]Row, int) {
	spe := r.StepsPerEpoch()
	e, b := s/spe, s%spe
	if e != r.epoch {
		rng := rand.New(rand.NewPCG(r.Cfg.Seed, uint64(e)+0x9e3779b9))
		r.order = rng.Perm(len(r.Rows))
		r.epoch = e
	}
	idx := r.order[b*r.Cfg.BatchRows : min((b+1)*r.Cfg.BatchRows, len(r.Rows))]
	out := make([]Row, len(idx))
	for i, j := range idx {
		out[i] = r.Rows[j]
	}
	return out, e
}

// Train runs optimiser steps until Opt.Step reaches until (capped at
// Optim.Steps), calling progress after each step; an error from progress
// stops training and is returned. It returns ctx's error when cancelled
// between steps, and an error when the loss or gradient is not finite.
func (r *Run) Train(ctx context.Context, until int, progress func(StepInfo) error) error {
	until = min(until, r.Cfg.Optim.Steps)
	if r.start.IsZero() {
		r.start = time.Now()
	}
	for r.Opt.Step < until {
		if err := ctx.Err(); err != nil {
			return err
		}
		t0 := time.Now()
		info, err := r.step()
		if err != nil {
			return err
		}
		dt := time.Since(t0)
		info.TokensPerSec = float64(info.Tokens) / max(dt.Seconds(), 1e-9)
		info.Elapsed = time.Since(r.start)
		if progress != nil {
			if err := progress(info); err != nil {
				return err
			}
		}
	}
	return nil
}

// step runs one optimiser step: forward and backward per micro-batch
// (gradients accumulate), clip, AdamW.
func (r *Run) step() (StepInfo, error) {
	s := r.Opt.Step
	rows, epoch := r.batchRows(s)
	var wsum float64
	tokens := 0
	for i := range rows {
		for _, w := range rows[i].Weights {
			wsum += float64(w)
		}
		tokens += len(rows[i].Tokens)
	}
	norm := float32(max(wsum, 1e-6))
	clear(r.Model.Grads)
	var loss float64
	for lo := 0; lo < len(rows); lo += r.Cfg.MicroRows {
		b := JoinRows(rows[lo:min(lo+r.Cfg.MicroRows, len(rows))])
		r.tape.Reset()
		l, err := r.Model.Loss(r.tape, b, norm)
		if err != nil {
			return StepInfo{}, fmt.Errorf("nn: step %d: %w", s+1, err)
		}
		if err := r.tape.Backward(l); err != nil {
			return StepInfo{}, fmt.Errorf("nn: step %d: %w", s+1, err)
		}
		loss += float64(l.Data[0])
	}
	r.tape.Reset()
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return StepInfo{}, fmt.Errorf("nn: step %d: loss is %g (diverged; lower the learning rate)", s+1, loss)
	}
	gn := GradNorm(r.Model.Grads)
	if math.IsNaN(gn) || math.IsInf(gn, 0) {
		return StepInfo{}, fmt.Errorf("nn: step %d: gradient norm is %g (diverged; lower the learning rate)", s+1, gn)
	}
	cfg := r.Cfg.Optim.withDefaults()
	scale := float32(1)
	if cfg.GradClip > 0 && gn > cfg.GradClip {
		scale = float32(cfg.GradClip / gn)
	}
	lr := cfg.LRAt(s)
	r.Opt.Update(r.Model.Params, r.Model.Grads, r.Model.Views, cfg, lr, scale)
	return StepInfo{Step: s + 1, Steps: cfg.Steps, Epoch: epoch, Loss: loss, LR: lr, GradNorm: gn, Tokens: tokens}, nil
}
