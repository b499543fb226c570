package workers

import (
	"context"
	"errors"
	"fmt"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/command"
	"github.com/cemlab/cem/model/finetune"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/model/openai"
	"github.com/cemlab/cem/model/slurm"
	"github.com/cemlab/cem/trainset"
)

// ErrNotImplemented reports a configured backend this build cannot use yet.
var ErrNotImplemented = errors.New("not implemented")

// Options are what New needs besides the config.
type Options struct {
	Config *config.Config
	// Source is searched for evidence (usually a *knowledge.Index).
	Source knowledge.Source
	// Corpus is the general text: the pool of replay text, of the random
	// baseline's text and (its dictionary-like passages) of general
	// instruction examples. Nil reads every passage of Source when it is
	// a *knowledge.Index (or of the first index among a Fused's members).
	Corpus []knowledge.Passage
	// General, when set, is the pool of general instruction examples (for
	// example the base model's own instruction tuning); nil makes one from
	// the dictionary passages of Corpus.
	General []model.Example
	// Suites are every suite of the run (for decontamination).
	Suites []loop.Suite
	// Tokens counts tokens for budgets and metrics; nil approximates.
	Tokens func(string) int
	// TrainProgress, when set, receives one call per native training step.
	TrainProgress func(step, steps int, loss float64)
	// TrainLog, when set, receives the lines of a slurm training job's
	// log (and notes about the job) as they are written.
	TrainLog func(line string)
	// ExamLog, when set, receives one line per examined suite saying how
	// its items were answered (and how many failed).
	ExamLog func(line string)
}

// New returns the stages of a run described by opts.Config.
func New(opts Options) (loop.Workers, error) {
	cfg := opts.Config
	if cfg != nil && cfg.ExamOnly() && opts.Source == nil {
		return examOnly(opts), nil
	}
	if cfg == nil || opts.Source == nil {
		return loop.Workers{}, fmt.Errorf("workers: need a config and a knowledge source")
	}
	corpus := opts.Corpus
	if corpus == nil {
		if ix := knowledge.FirstIndex(opts.Source); ix != nil {
			var err error
			if corpus, err = allPassages(ix); err != nil {
				return loop.Workers{}, err
			}
		}
	}
	var protected [][]exam.Item
	for _, s := range opts.Suites {
		protected = append(protected, s.Items)
	}
	var licenses []string // nil: curate's default allow-list
	if len(cfg.Curation.Licenses) > 0 {
		licenses = cfg.Curation.Licenses
	}
	pipe, decon := curate.NewPipeline(curate.Config{Licenses: licenses, Seed: cfg.Seed, MaxPerItem: cfg.Curation.MaxPerItem,
		MinSources: cfg.Curation.MinSources, Sources: len(configuredSources(cfg, corpus))}, protected...)
	if !*cfg.Curation.Decontaminate {
		pipe = withoutFilter(pipe, decon.Name())
	}
	tokens := opts.Tokens
	if tokens == nil {
		tokens = trainset.ApproxTokens
	}
	mt := &meter{}
	help, err := newHelper(cfg, mt)
	if err != nil {
		return loop.Workers{}, fmt.Errorf("workers: %w", err)
	}
	st := loop.Workers{
		Examiner:  examiner(cfg, opts.ExamLog),
		Miner:     Miner{Margin: cfg.Mistakes.UncertainMargin, Budget: cfg.Mistakes.MaxItems},
		Planner:   Planner{},
		Retriever: Retriever{Source: opts.Source, K: cfg.Sources.K, PerSource: cfg.Sources.PerSource, Sources: sourcesOf(opts.Source)},
		Curator:   Curator{Pipeline: pipe},
		Builder: &Builder{Mix: cfg.Mix, Corpus: corpus, Tokens: tokens, General: opts.General,
			Trainset: trainset.Builder{Tokens: tokens, Decontam: decon, Format: exam.Prompt}},
		Opener: Opener{Config: cfg.Model, Seed: cfg.Seed, meter: mt},
		Tokens: tokens,
	}
	if cfg.Extracts() {
		st.Planner = Planner{Extractor: help.extractor(mistake.PointOptions{}, cfg.Seed)}
	}
	if cfg.Writes() {
		st.Builder.(*Builder).Trainset.Writer = help.writer(cfg.Seed)
		st.Builder.(*Builder).Trainset.Paraphraser = help.paraphraser(cfg.Seed)
	}
	if cfg.Model.Backend == config.BackendOpenAI || (cfg.Helper != nil && cfg.Helper.Backend == config.BackendOpenAI && help != nil) {
		st.Meter = mt
	}
	if cfg.Deploy != nil {
		if st.Deployer, err = NewDeployer(cfg, opts.ExamLog); err != nil {
			return loop.Workers{}, fmt.Errorf("workers: %w", err)
		}
	}
	switch cfg.Trainer.Backend {
	case config.BackendNative:
		st.Trainer = &native.Trainer{Options: nativeOptions(cfg.Trainer, opts.TrainProgress)}
	case config.BackendCommand:
		tr, err := command.New(commandConfig(cfg), nil)
		if err != nil {
			return loop.Workers{}, fmt.Errorf("workers: trainer: %w", err)
		}
		st.Trainer = keyedTrainer{tr, "trainer.command"}
	case config.BackendSlurm:
		tr, err := newSlurm(cfg, opts.TrainLog)
		if err != nil {
			return loop.Workers{}, fmt.Errorf("workers: trainer: %w", err)
		}
		st.Trainer = tr
		mt.addTrainer("trainer/slurm", func() model.Usage {
			u := tr.Usage()
			return model.Usage{TrainSeconds: u.Seconds, GPUHours: u.GPUHours}
		})
		st.Meter = mt
	case config.BackendOpenAI:
		tr, err := newFineTune(cfg, opts.TrainLog)
		if err != nil {
			return loop.Workers{}, fmt.Errorf("workers: trainer: %w", err)
		}
		st.Trainer = tr
		mt.addTrainer("trainer/openai", func() model.Usage {
			u := tr.Usage()
			return model.Usage{TrainSeconds: u.Seconds, TrainedTokens: u.TrainedTokens}
		})
		st.Meter = mt
	default:
		return loop.Workers{}, fmt.Errorf("workers: trainer backend %q: %w in this build (use native or command)", cfg.Trainer.Backend, ErrNotImplemented)
	}
	return st, nil
}

// newSlurm builds the slurm trainer of the trainer section.
func newSlurm(c *config.Config, log func(string)) (*slurm.Trainer, error) {
	t := c.Trainer
	cfg := slurm.Config{Config: commandConfig(c)}
	if s := t.Slurm; s != nil {
		cfg.Partition, cfg.GPUs, cfg.CPUs, cfg.Mem, cfg.Time = s.Partition, s.GPUs, s.CPUs, s.Mem, s.Time
		cfg.Extra, cfg.CancelOnInterrupt = s.Extra, s.CancelOnInterrupt
	}
	var onLine func(command.Line)
	if log != nil {
		onLine = func(l command.Line) { log(l.Text) }
	}
	return slurm.New(cfg, onLine)
}

// newFineTune builds the fine-tuning API trainer of the trainer section;
// the API's address and key default to the model section's.
func newFineTune(c *config.Config, log func(string)) (*finetune.Trainer, error) {
	cfg := finetune.Config{BaseURL: c.Model.BaseURL, APIKeyEnv: c.Model.APIKeyEnv}
	if f := c.Trainer.OpenAI; f != nil {
		if f.BaseURL != "" {
			cfg.BaseURL = f.BaseURL
		}
		if f.APIKeyEnv != "" {
			cfg.APIKeyEnv = f.APIKeyEnv
		}
		cfg.Model, cfg.NEpochs, cfg.LearningRateMultiplier, cfg.BatchSize = f.Model, f.NEpochs, f.LearningRateMultiplier, f.BatchSize
		cfg.Suffix, cfg.Poll, cfg.PollMax, cfg.CancelOnInterrupt = f.Suffix, f.Poll, f.PollMax, f.CancelOnInterrupt
	}
	return finetune.New(cfg, log)
}

// Opener opens models by backend.
type Opener struct {
	Config config.ModelConfig
	Seed   int64  // seeds the openai backend's retry jitter
	meter  *meter // counts the usage of openai models, when set
}

var _ loop.Opener = Opener{}

// Open opens ref: a native checkpoint folder, or the configured
// OpenAI-compatible server (the ref's Name overriding the config's).
func (o Opener) Open(ctx context.Context, ref model.Ref) (model.Model, error) {
	switch ref.Backend {
	case config.BackendNative, "":
		return native.OpenRef(ref)
	case config.BackendOpenAI:
		name := ref.Name
		m, err := openai.New(OpenAIConfig(o.Config, name, o.Seed))
		if err != nil {
			return nil, err
		}
		o.meter.add(labelModel, m)
		return m, nil
	}
	return nil, fmt.Errorf("open model: backend %q: %w", ref.Backend, ErrNotImplemented)
}

// BaseRef is the round-0 model of a config.
func BaseRef(m config.ModelConfig) model.Ref {
	return model.Ref{Backend: m.Backend, Path: m.Path, Name: m.Name, Revision: m.Revision}
}

// allPassages reads every passage of an index.
func allPassages(ix *knowledge.Index) ([]knowledge.Passage, error) {
	out := make([]knowledge.Passage, 0, ix.Len())
	for i := range ix.Len() {
		p, err := ix.Passage(i)
		if err != nil {
			return nil, fmt.Errorf("index %s: passage %d: %w", ix.Path(), i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// configuredSources names the independent sources a run can retrieve
// from, which sets the agreement filter's default minimum: the distinct
// Passage.Source names of the local corpus (an index mixing WordNet and
// the Factbook holds two) and the name of every sources.list entry that
// is not an index (a wiki, a web search).
func configuredSources(cfg *config.Config, corpus []knowledge.Passage) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for i := range corpus {
		// A source per_source gives k 0 is never searched.
		if k, named := cfg.Sources.PerSource[corpus[i].Source]; !named || k > 0 {
			add(corpus[i].Source)
		}
	}
	for _, s := range cfg.Sources.List {
		if s.Kind != config.SourceIndex {
			add(s.Name)
		}
	}
	return out
}

// withoutFilter drops the named filter from p.
func withoutFilter(p curate.Pipeline, name string) curate.Pipeline {
	var fs []curate.Filter
	for _, f := range p.Filters {
		if f.Name() != name {
			fs = append(fs, f)
		}
	}
	return curate.Pipeline{Filters: fs}
}
