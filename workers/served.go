package workers

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/command"
	"github.com/cemlab/cem/model/openai"
)

// OpenAIConfig is the openai backend's configuration for a model or
// helper section: every key of the section reaches it; name, when not
// empty, overrides the section's served name.
func OpenAIConfig(mc config.ModelConfig, name string, seed int64) openai.Config {
	if name == "" {
		name = mc.Name
	}
	o := mc.OpenAIOptions
	return openai.Config{BaseURL: mc.BaseURL, Model: name, APIKeyEnv: mc.APIKeyEnv, Price: openaiPrice(mc.Price), Seed: seed,
		PromptTemplate: o.PromptTemplate, ScoreMode: o.ScoreMode, GenerateMode: o.GenerateMode,
		Concurrency: o.Concurrency, Timeout: o.Timeout, MaxRetries: o.MaxRetries, CacheDir: o.CacheDir, Headers: o.Headers}
}

// examiner is the Examiner of cfg's exam section; log (nil:
// slog.Default()) gets one line per suite saying how its items were
// answered.
func examiner(cfg *config.Config, log *slog.Logger) Examiner {
	return Examiner{Batch: cfg.Exam.BatchSize, Seed: cfg.Seed, Mode: exam.Mode(cfg.Exam.Mode),
		Scoring: exam.Scoring(cfg.Exam.Scoring), MaxFailures: *cfg.Exam.MaxFailures, Log: log}
}

// logModes logs how a suite's items were answered.
func (e Examiner) logModes(suite string, res []exam.Result) {
	counts := map[string]int{}
	for _, r := range res {
		counts[r.Mode]++
	}
	line := fmt.Sprintf("  exam %s: %d items,", suite, len(res))
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		line += fmt.Sprintf(" %s %d", k, counts[k])
	}
	if n := counts[exam.AnsweredFailed]; n > 0 {
		for _, r := range res {
			if r.Error != "" {
				line += fmt.Sprintf("; item %s failed: %s", r.ID, r.Error)
				break
			}
		}
	}
	orDefault(e.Log).Info(line)
}

// examOnly returns the stages of an exam-only run (rounds: 0): the
// examiner and the opener, nothing that needs an index or a trainer.
func examOnly(opts Options) loop.Workers {
	cfg := opts.Config
	mt := &meter{}
	st := loop.Workers{Examiner: examiner(cfg, opts.Log), Opener: Opener{Config: cfg.Model, Seed: cfg.Seed, meter: mt},
		Tokens: opts.Tokens}
	if cfg.Model.Backend == config.BackendOpenAI {
		st.Meter = mt
	}
	return st
}

// commandConfig is the command (and slurm) trainer's configuration: the
// command line, the format, the hyperparameters as template fields, the
// result's name template, and the result's backend (an openai model's
// trainer makes an opaque artifact that only a deploy step can serve).
func commandConfig(cfg *config.Config) command.Config {
	t := cfg.Trainer
	c := command.Config{Command: t.Command, Format: t.Format, Name: t.Name,
		Epochs: t.Epochs, LearningRate: t.LearningRate, BatchTokens: t.BatchTokens}
	if cfg.Model.Backend == config.BackendOpenAI {
		c.Backend = config.BackendOpenAI
	}
	return c
}

// keyedTrainer names the config key of its trainer in every error.
type keyedTrainer struct {
	model.Trainer
	key string
}

// Train trains with the wrapped trainer.
func (k keyedTrainer) Train(ctx context.Context, from model.Ref, set model.TrainSet) (model.Ref, error) {
	ref, err := k.Trainer.Train(ctx, from, set)
	if err != nil {
		return model.Ref{}, fmt.Errorf("%s: %w", k.key, err)
	}
	return ref, nil
}
