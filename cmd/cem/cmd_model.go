package main

import (
	"github.com/cemlab/cem/internal/defaults"
	"github.com/cemlab/cem/internal/progress"

	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/internal/jsonl"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/nn"
)

// modelTrainOptions are the flags of `cem model train` and `cem model new`.
// The flags of `model train` are a stable interface: external-trainer
// tests run it as a command.
type modelTrainOptions struct {
	From, Data, Out string
	Epochs, Steps   int
	MinSteps        int
	LR              float64
	BatchTokens     int
	SeqLen          int
	Warmup          int
	WeightDecay     float64
	Seed            uint64
	CheckpointEvery int
	LogEvery        int
	// new only
	Size   string
	Corpus []string
}

func (o *modelTrainOptions) addTrainFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "", "training examples, JSON Lines (one model.Example per line: id, kind, prompt, text, weight)")
	f.StringVar(&o.Out, "out", "", "output checkpoint folder (required)")
	f.IntVar(&o.Epochs, "epochs", defaults.Epochs, "passes over the examples (ignored when --steps is set)")
	f.IntVar(&o.Steps, "steps", 0, "optimiser steps (0: derived from --epochs)")
	f.IntVar(&o.MinSteps, "min-steps", 0, "floor on the steps derived from --epochs (small data sets)")
	f.Float64Var(&o.LR, "lr", defaults.LearningRate, "peak learning rate (warmup then cosine decay to 10%)")
	f.IntVar(&o.BatchTokens, "batch-tokens", 4096, "token positions per optimiser step")
	f.IntVar(&o.SeqLen, "seq-len", 0, "packed row length (0: the model's max_seq_len)")
	f.IntVar(&o.Warmup, "warmup", 0, "warmup steps (0: min(100, steps/10))")
	f.Float64Var(&o.WeightDecay, "weight-decay", 0.1, "decoupled weight decay on matrices (0 disables)")
	f.Uint64Var(&o.Seed, "seed", 1, "seed of the data order")
	f.IntVar(&o.CheckpointEvery, "checkpoint-every", 0, "save a resumable checkpoint every N steps (0: only when interrupted)")
	f.IntVar(&o.LogEvery, "log-every", 10, "print one progress line every N steps")
}

func (o *modelTrainOptions) options(out io.Writer) native.Options {
	wd := o.WeightDecay
	if wd == 0 {
		wd = -1 // native: negative means none
	}
	every := max(1, o.LogEvery)
	return native.Options{
		LR: o.LR, Epochs: o.Epochs, Steps: o.Steps, MinSteps: o.MinSteps, BatchTokens: o.BatchTokens, SeqLen: o.SeqLen,
		Warmup: o.Warmup, WeightDecay: wd, Seed: o.Seed, Out: o.Out, CheckpointEvery: o.CheckpointEvery,
		Progress: progress.Func(func(u progress.Update) {
			s, _ := u.Detail.(nn.StepInfo)
			if s.Step%every == 0 || s.Step == s.Steps || s.Step == 1 {
				fmt.Fprintf(out, "step %d/%d epoch %d loss %.4f lr %.2e grad %.3f tok/s %.0f elapsed %s\n",
					s.Step, s.Steps, s.Epoch+1, s.Loss, s.LR, s.GradNorm, s.TokensPerSec, s.Elapsed.Round(1e8))
			}
		}),
	}
}

func newModelCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "model",
		Short: "Train, inspect and try the built-in model",
	}
	cmd.AddCommand(newModelTrainCommand(), newModelNewCommand(), newModelInfoCommand(),
		newModelScoreCommand(), newModelGenerateCommand())
	return cmd
}

func newModelTrainCommand() *cobra.Command {
	var opts modelTrainOptions
	cmd := &cobra.Command{
		Use:   "train --from CKPT --data FILE.jsonl --out DIR",
		Short: "Train a checkpoint on examples and write a new checkpoint (resumes an interrupted run into the same --out)",
		Long: `Train loads the checkpoint folder --from, trains it on the examples in
--data (JSON Lines, one model.Example per line: CPT examples have only
"text" and train on every token; instruction examples have "prompt" and
"text" and train only on the response), and writes the checkpoint folder
--out. Interrupting it (Ctrl-C) saves a resumable state in --out; running
the same command again resumes. Exit status 0 on success, 1 on failure,
2 on bad flags or input, 130 when interrupted.`,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.From == "" || opts.Data == "" || opts.Out == "" {
				return usagef("model train: --from, --data and --out are required")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runModelTrain(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "input checkpoint folder (required)")
	opts.addTrainFlags(cmd)
	return cmd
}

func runModelTrain(ctx context.Context, opts modelTrainOptions, out io.Writer) error {
	examples, err := readExamples(opts.Data)
	if err != nil {
		return err
	}
	tr := &native.Trainer{Options: opts.options(out)}
	ref, err := tr.Train(ctx, model.Ref{Backend: native.Backend, Path: opts.From}, model.TrainSet{Examples: examples, Seed: int64(opts.Seed)})
	if errors.Is(err, native.ErrCheckpoint) {
		return usageError{err} // --from (or the state to resume in --out) is bad input
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s\n", ref.Path)
	return nil
}

func newModelNewCommand() *cobra.Command {
	var opts modelTrainOptions
	cmd := &cobra.Command{
		Use:   "new --size tiny --corpus FILE... [--data FILE.jsonl] --out DIR",
		Short: "Create a model: train a tokenizer and pretrain a fresh decoder on text files and examples",
		Args:  cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.Out == "" || (len(opts.Corpus) == 0 && opts.Data == "") {
				return usagef("model new: --out and at least one of --corpus or --data are required")
			}
			if _, err := nn.SizeConfig(opts.Size); err != nil {
				return usageError{err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runModelNew(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.Size, "size", "tiny", "model size: tiny (~1M parameters), small (~6M), base (~25M)")
	cmd.Flags().StringSliceVar(&opts.Corpus, "corpus", nil, "plain-text files; each blank-line-separated paragraph is one document")
	opts.addTrainFlags(cmd)
	return cmd
}

func runModelNew(ctx context.Context, opts modelTrainOptions, out io.Writer) error {
	var texts []string
	for _, path := range opts.Corpus {
		b, err := os.ReadFile(path)
		if err != nil {
			return usageError{err}
		}
		for _, p := range strings.Split(string(b), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				texts = append(texts, p)
			}
		}
	}
	var examples []model.Example
	if opts.Data != "" {
		var err error
		if examples, err = readExamples(opts.Data); err != nil {
			return err
		}
	}
	ref, err := native.Pretrain(ctx, texts, examples, native.PretrainOptions{Size: opts.Size, Train: opts.options(out)})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s\n", ref.Path)
	return nil
}

// readExamples reads JSON Lines of model.Example, rejecting unknown
// keys; errors name file:line.
func readExamples(path string) ([]model.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{err}
	}
	defer f.Close()
	var out []model.Example
	err = jsonl.Lines(bufio.NewReader(f), path, func(_ int, b []byte) error {
		var ex model.Example
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ex); err != nil {
			return err
		}
		if ex.Text == "" {
			return fmt.Errorf("example %q has no text", ex.ID)
		}
		out = append(out, ex)
		return nil
	})
	if err != nil {
		return nil, usageError{err}
	}
	if len(out) == 0 {
		return nil, usagef("%s: no examples", path)
	}
	return out, nil
}

func newModelInfoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "info CKPT",
		Short: "Show a checkpoint's architecture, size and training state",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ck, err := loadCheckpoint(args[0])
			if err != nil {
				return err
			}
			c := ck.Net.Config
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "checkpoint  %s\n", args[0])
			fmt.Fprintf(out, "params      %d (%.2fM)\n", c.NumParams(), float64(c.NumParams())/1e6)
			fmt.Fprintf(out, "vocab       %d (tokenizer %d)\n", c.Vocab, ck.Tok.VocabSize())
			fmt.Fprintf(out, "dim         %d\nlayers      %d\nheads       %d (kv %d, width %d)\nffn         %d\nmax_seq_len %d\n",
				c.Dim, c.Layers, c.Heads, c.KVHeads, c.HeadDim(), c.FFN, c.MaxSeq)
			if ck.State != nil {
				fmt.Fprintf(out, "training    interrupted at step %d of %d (resumable)\n", ck.State.Step, ck.State.Steps)
			}
			return nil
		},
	}
}

func newModelScoreCommand() *cobra.Command {
	var prompt string
	var conts []string
	cmd := &cobra.Command{
		Use:   "score CKPT --prompt P --cont C [--cont C2 ...]",
		Short: "Print the log-probability of each continuation after the prompt",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(conts) == 0 {
				return usagef("model score: give at least one --cont")
			}
			m, err := openModel(args[0])
			if err != nil {
				return err
			}
			reqs := make([]model.ScoreRequest, len(conts))
			for i, c := range conts {
				reqs[i] = model.ScoreRequest{Prompt: prompt, Continuation: c}
			}
			scores, err := m.Score(cmd.Context(), reqs)
			if err != nil {
				return err
			}
			for i, s := range scores {
				fmt.Fprintf(cmd.OutOrStdout(), "%10.4f  %3d tokens  mean %8.4f  %q\n", s.LogProb, s.Tokens, s.Mean(), conts[i])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&prompt, "prompt", "", "the question or instruction")
	cmd.Flags().StringArrayVar(&conts, "cont", nil, "a continuation to score (repeatable)")
	return cmd
}

func newModelGenerateCommand() *cobra.Command {
	var req model.GenerateRequest
	var raw bool
	cmd := &cobra.Command{
		Use:   "generate CKPT --prompt P",
		Short: "Generate a completion of the prompt",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := openModel(args[0])
			if err != nil {
				return err
			}
			gen := m.Generate
			if raw {
				gen = m.GenerateRaw
			}
			out, err := gen(cmd.Context(), []model.GenerateRequest{req})
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), out[0])
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Prompt, "prompt", "", "the question or instruction")
	f.IntVar(&req.MaxTokens, "max-tokens", 64, "tokens to generate at most")
	f.Float64Var(&req.Temperature, "temperature", 0, "sampling temperature (0: greedy)")
	f.Int64Var(&req.Seed, "seed", 1, "sampling seed")
	f.StringArrayVar(&req.Stop, "stop", nil, "stop string (repeatable)")
	f.BoolVar(&raw, "raw", false, "complete the prompt as plain text, without the instruction template")
	return cmd
}

// loadCheckpoint loads the native checkpoint folder dir named on the
// command line or in a config. A missing or bad checkpoint (native.Load's
// errors, non-finite weights included) is bad input: exit status 2.
func loadCheckpoint(dir string) (*native.Checkpoint, error) {
	ck, err := native.Load(dir)
	if err != nil {
		return nil, usageError{err}
	}
	return ck, nil
}

// openModel is loadCheckpoint for inference (native.Open).
func openModel(dir string) (*native.Model, error) {
	m, err := native.Open(dir)
	if err != nil {
		return nil, usageError{err}
	}
	return m, nil
}
