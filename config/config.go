package config

import (
	"github.com/cemlab/cem/internal/defaults"

	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Suite roles. A run needs at least one exam suite; the others are
// optional but make the measurements meaningful.
const (
	// RoleExam suites are examined and mined for mistakes every round.
	RoleExam = "exam"
	// RoleHeldout suites are never mined: reverse or paraphrased questions
	// about the mined facts, plus items never mined at all.
	RoleHeldout = "heldout"
	// RoleOOD suites come from other domains; they show spill-over.
	RoleOOD = "ood"
	// RoleGeneral suites measure abilities that must not be forgotten; the
	// gate watches them.
	RoleGeneral = "general"
)

// Roles lists the valid suite roles in report order.
func Roles() []string { return []string{RoleExam, RoleHeldout, RoleOOD, RoleGeneral} }

// Baseline modes. The empty mode is the CEM method itself.
const (
	BaselineNone    = ""          // CEM: mined CPT + CIT + replay
	BaselineRandom  = "random"    // the same number of CPT tokens drawn uniformly from the same corpora
	BaselineCPTOnly = "cpt-only"  // CEM's evidence as CPT text only
	BaselineCITOnly = "cit-only"  // CEM's instruction examples only
	BaselineNoReply = "no-replay" // CEM without replay
	// BaselineRandomEvidence is the full CEM recipe (CPT, normative,
	// extractive, review, general, replay, the same gate) with each
	// evidence passage replaced by a random corpus passage, at the CEM
	// set's loss-bearing tokens: what the retrieved knowledge adds. A
	// random passage does not state the mined answer, so the recipe
	// writes no question for it (trainset.StatesAnswer).
	BaselineRandomEvidence = "random-evidence"
	// BaselineUntargeted is the full CEM recipe on evidence retrieved for
	// exam items drawn at random (seeded, as many as the mistakes mined)
	// instead of the mistakes: what targeting the mistakes adds.
	BaselineUntargeted = "untargeted"
	// BaselineRAG trains nothing: the round-0 model is examined once
	// more, each item's prompt led by the passages retrieved for its
	// queries (made without the gold answer): the answer to "why not
	// retrieval at inference?". A rag run has one round whatever rounds
	// says; see RAGConfig.
	BaselineRAG = "rag"
)

// Baselines lists the valid baseline modes (the empty mode excluded).
func Baselines() []string {
	return []string{BaselineRandom, BaselineCPTOnly, BaselineCITOnly, BaselineNoReply, BaselineRandomEvidence,
		BaselineUntargeted, BaselineRAG}
}

// Scalable reports whether baseline mode b takes a baseline_scale (its
// set is sized in loss-bearing tokens against CEM's).
func Scalable(b string) bool { return b == BaselineRandom || b == BaselineRandomEvidence }

// Backends of the model and trainer sections.
const (
	BackendNative  = "native"
	BackendOpenAI  = "openai"
	BackendCommand = "command"
	// BackendSlurm (trainer only) submits the command as a Slurm batch job.
	BackendSlurm = "slurm"
)

// Config is one run. The zero value, after ApplyDefaults, describes a run
// of the native backend with default settings but no suites; Validate
// then asks for at least one exam suite.
type Config struct {
	// Name labels the run in reports and the index; default "cem".
	Name string `yaml:"name"`
	// Seed drives every random choice of the run; default 1.
	Seed int64 `yaml:"seed"`
	// Rounds is the number of CEM rounds after the round-0 exam; default 3
	// when the key is absent. rounds: 0 is an exam-only run: the round-0
	// exam and nothing else (no index or trainer needed).
	Rounds int `yaml:"rounds"`
	// Baseline selects a comparison mode instead of CEM; see Baselines.
	Baseline string `yaml:"baseline"`
	// BaselineScale sizes the random and random-evidence baselines'
	// training sets at this multiple of the loss-bearing tokens of the
	// set CEM builds in the same round (for data-efficiency curves);
	// 0 means 1. Other modes reject it.
	BaselineScale float64 `yaml:"baseline_scale,omitempty"`
	// RAG sets the rag baseline's prompts.
	RAG RAGConfig `yaml:"rag,omitempty"`

	Model    ModelConfig    `yaml:"model"`
	Trainer  TrainerConfig  `yaml:"trainer"`
	Exam     ExamConfig     `yaml:"exam"`
	Suites   []SuiteConfig  `yaml:"suites"`
	Sources  SourcesConfig  `yaml:"sources"`
	Mistakes MistakesConfig `yaml:"mistakes"`
	Curation CurationConfig `yaml:"curation"`
	Mix      MixConfig      `yaml:"mix"`
	Gate     GateConfig     `yaml:"gate"`
	// Helper, when set, is a generative model that extracts knowledge
	// points and may write training questions; without it the offline
	// heuristics do both.
	Helper *HelperConfig `yaml:"helper,omitempty"`
	// Deploy, when set, puts each trained model where the model section's
	// server reaches it before the re-exam (see DeployConfig).
	Deploy *DeployConfig `yaml:"deploy,omitempty"`

	file      string     // the file Load read; "" for Parse
	root      *yaml.Node // the decoded document, for Where
	roundsSet bool       // the document has a rounds key (0 is then a value)
}

// ModelConfig names the model examined in round 0 and how to open it.
type ModelConfig struct {
	// Backend is native (default), openai or command.
	Backend string `yaml:"backend"`
	// Path is the native checkpoint folder (relative to the config file's
	// folder, like every path of a config).
	Path string `yaml:"path"`
	// Name is the served model name (openai backend).
	Name string `yaml:"name"`
	// BaseURL is the OpenAI-compatible endpoint, e.g. http://localhost:8000/v1.
	BaseURL string `yaml:"base_url"`
	// APIKeyEnv names the environment variable holding the API key; the
	// key itself never goes in the file. Empty means no key (local servers).
	APIKeyEnv string `yaml:"api_key_env"`
	// Price, for the openai backend, turns token counts into the cost
	// shown in the round metrics; zero means free.
	Price PriceConfig `yaml:"price,omitempty"`
	// OpenAIOptions are the openai backend's other settings.
	OpenAIOptions `yaml:",inline"`
}

// PriceConfig is what an OpenAI-compatible provider charges, in any
// currency, per 1000 tokens.
type PriceConfig struct {
	PromptPer1K     float64 `yaml:"prompt_per_1k" json:"prompt_per_1k,omitempty"`
	CompletionPer1K float64 `yaml:"completion_per_1k" json:"completion_per_1k,omitempty"`
}

// HelperConfig is the optional helper model of the loop: a generative
// model asked, with prompt templates users may override, for the search
// queries of each mistake's knowledge points (Extract) and for extra
// normative and extractive training questions (Write).
type HelperConfig struct {
	// ModelConfig's keys (backend, path, name, base_url, api_key_env,
	// price) open the helper as they open the model; the backend is
	// openai or native (no default).
	ModelConfig `yaml:",inline"`
	// Extract asks the helper for each mistake's search queries; default
	// true.
	Extract *bool `yaml:"extract"`
	// Write asks the helper for extra normative and extractive questions
	// about each evidence passage, and for paraphrases of it (relating
	// the passage's entities, EntiGraph-style) for the augment part of
	// the mix; default false.
	Write *bool `yaml:"write"`
	// Prompts override the built-in prompt templates.
	Prompts PromptsConfig `yaml:"prompts"`
}

// PromptsConfig names prompt template files (relative to the config
// file) replacing the built-in ones; `cem init --prompts DIR` writes the
// built-in ones out as a starting point.
type PromptsConfig struct {
	// Extract is the knowledge-point prompt (text/template: {{.Question}},
	// {{.Choices}}, {{.Answer}}, {{.Topic}}, {{.Max}}).
	Extract string `yaml:"extract"`
	// Write is the question-writing prompt (text/template: {{.Passage}},
	// {{.Answer}}, {{.Topic}}, {{.Max}}).
	Write string `yaml:"write"`
	// Paraphrase is the paraphrase prompt of the augment part
	// (text/template: {{.Passage}}, {{.Entities}}, {{.Answer}}, {{.Max}}).
	Paraphrase string `yaml:"paraphrase"`
}

// Extracts reports whether a helper is configured to extract knowledge points.
func (c *Config) Extracts() bool {
	return c.Helper != nil && c.Helper.Extract != nil && *c.Helper.Extract
}

// Writes reports whether a helper is configured to write training questions.
func (c *Config) Writes() bool { return c.Helper != nil && c.Helper.Write != nil && *c.Helper.Write }

// TrainerConfig says what trains the model each round.
type TrainerConfig struct {
	// Backend is native (default), openai (a fine-tuning API), command
	// or slurm (the command as a Slurm batch job).
	Backend string `yaml:"backend"`
	// Epochs over the round's training set; default 2.
	Epochs int `yaml:"epochs"`
	// LearningRate of the native trainer; default 1e-3.
	LearningRate float64 `yaml:"learning_rate"`
	// BatchTokens is the number of token positions per optimiser step;
	// 0 means the trainer's default.
	BatchTokens int `yaml:"batch_tokens"`
	// Command is the command line the command backend runs, a Go
	// template (see package model/command), e.g.
	// "cem model train --from {{.From}} --data {{.Data}} --out {{.OutDir}}".
	Command string `yaml:"command"`
	// Name, for the command and slurm backends, is a template for the
	// name of the trained model (e.g. "cem-round-{{.Round}}"), for
	// trainers whose result is a served or hosted model; default none.
	Name string `yaml:"name"`
	// Format is how the command backend writes the training set: jsonl
	// (default) or an export format (llamafactory, axolotl, trl, openai).
	Format string `yaml:"format"`
	// Slurm holds the job's resources for the slurm backend, which runs
	// Command (and Format) as a batch job.
	Slurm *SlurmConfig `yaml:"slurm,omitempty"`
	// OpenAI holds the fine-tuning job of the openai backend (see
	// package model/finetune).
	OpenAI *FineTuneConfig `yaml:"openai,omitempty"`
}

// FineTuneConfig is the job of the openai trainer backend, a hosted
// fine-tuning API. Zero values leave each setting to its default (the
// API's "auto" for the hyperparameters).
type FineTuneConfig struct {
	// BaseURL is the API root; default model.base_url.
	BaseURL string `yaml:"base_url"`
	// APIKeyEnv names the variable holding the key; default model.api_key_env.
	APIKeyEnv string `yaml:"api_key_env"`
	// Model is the base model to fine-tune, e.g.
	// "gpt-4o-mini-2024-07-18"; default the round's model (model.name,
	// then each accepted fine-tuned model).
	Model string `yaml:"model"`
	// NEpochs, LearningRateMultiplier and BatchSize are the supervised
	// method's hyperparameters; 0 leaves each to the API ("auto").
	NEpochs                int     `yaml:"n_epochs"`
	LearningRateMultiplier float64 `yaml:"learning_rate_multiplier"`
	BatchSize              int     `yaml:"batch_size"`
	// Suffix starts the fine-tuned model's suffix, which goes on with the
	// run and round: <suffix>-<run>-r<round>-<hash>; default "cem".
	Suffix string `yaml:"suffix"`
	// Poll is the first wait between two looks at the job; it doubles
	// while nothing changes, up to PollMax. Defaults 5s and 1m.
	Poll    time.Duration `yaml:"poll"`
	PollMax time.Duration `yaml:"poll_max"`
	// CancelOnInterrupt cancels the job when cem is interrupted; by
	// default it keeps running and the next `cem run` re-attaches.
	CancelOnInterrupt bool `yaml:"cancel_on_interrupt"`
}

// SlurmConfig is the batch job of the slurm trainer backend (see package
// model/slurm): its #SBATCH resources and what an interrupted cem does.
type SlurmConfig struct {
	// Partition to submit to; default the cluster's default partition.
	Partition string `yaml:"partition" json:"partition,omitempty"`
	// GPUs the job requests (--gpus); GPU hours in the metrics are the
	// job's elapsed time times this.
	GPUs int `yaml:"gpus" json:"gpus,omitempty"`
	// CPUs of the job's task (--cpus-per-task).
	CPUs int `yaml:"cpus" json:"cpus,omitempty"`
	// Mem is the job's memory (--mem), e.g. 32G.
	Mem string `yaml:"mem" json:"mem,omitempty"`
	// Time is the job's time limit (--time), e.g. "4:00:00".
	Time string `yaml:"time" json:"time,omitempty"`
	// Extra are more #SBATCH options, one per entry, e.g. "--qos=high".
	Extra []string `yaml:"extra" json:"extra,omitempty"`
	// CancelOnInterrupt scancels the job when cem is interrupted; by
	// default the job keeps running and the next `cem run` re-attaches.
	CancelOnInterrupt bool `yaml:"cancel_on_interrupt" json:"cancel_on_interrupt,omitempty"`
}

// ExamConfig controls how suites are examined.
type ExamConfig struct {
	// BatchSize is the number of score requests sent at once; default 64.
	BatchSize int `yaml:"batch_size"`
	// Limit, when > 0, keeps only the first Limit items of each suite
	// (quick runs).
	Limit int `yaml:"limit"`
	// Mode is how multiple-choice items are answered: auto (default:
	// likelihood when the model reports prompt log-probabilities, else
	// letter), likelihood, letter (the first generated token's
	// log-probabilities over the choice letters, a generated letter where
	// the server returns none) or generate (a generated letter only).
	// Open items are always answered by generation; letter and generate
	// reject suites holding open items.
	Mode string `yaml:"mode"`
	// Scoring ranks multiple-choice answers graded by likelihood: mean
	// (per-token mean log-prob; default, fair to long choices), sum
	// (total log-prob) or pmi (domain-conditional PMI: the choice's
	// log-prob after the question minus its log-prob after a neutral
	// "Answer:", which removes the model's prior for the answer string).
	Scoring string `yaml:"scoring"`
	// MaxFailures is how many items of one suite's exam may fail after
	// the backend's retries (recorded as that item's failure, counted and
	// reported) before the exam fails; default 10, 0: none (the first
	// failure stops the run, naming the item), negative: no limit.
	MaxFailures *int `yaml:"max_failures"`
}

// Exam modes (ExamConfig.Mode) and scorings (ExamConfig.Scoring).
const (
	ExamAuto       = "auto"
	ExamLikelihood = "likelihood"
	ExamLetter     = "letter"
	ExamGenerate   = "generate"
	ScoringMean    = "mean"
	ScoringSum     = "sum"
	ScoringPMI     = "pmi"
)

// ScoringModes lists the valid exam.scoring values.
func ScoringModes() []string { return []string{ScoringMean, ScoringSum, ScoringPMI} }

// SuiteConfig is one exam suite file and its role.
type SuiteConfig struct {
	// Name labels the suite; default the role.
	Name string `yaml:"name"`
	// Path is the suite's JSON Lines file (relative to the config file).
	Path string `yaml:"path"`
	// Role is exam, heldout, ood or general.
	Role string `yaml:"role"`
}

// SourcesConfig names the knowledge sources searched for evidence.
type SourcesConfig struct {
	// Index is the BM25 index file `cem index build --out` writes
	// (relative to the config file).
	Index string `yaml:"index"`
	// K is the number of passages kept per query; default 4.
	K int `yaml:"k"`
	// PerSource overrides K for named sources (e.g. wordnet: 2); a source
	// named here with 0 is not searched, the others get K together.
	PerSource map[string]int `yaml:"per_source"`
	// List, instead of Index, names several sources, each searched for
	// its own k passages; their hits are merged by reciprocal-rank
	// fusion (see SourceConfig and knowledge.Fused). K then defaults to
	// the sum of the entries' k.
	List []SourceConfig `yaml:"list"`
	// RRFK is the rank constant of the fusion; default 60.
	RRFK float64 `yaml:"rrf_k"`
}

// RAGConfig sets the context of the rag baseline's prompts: the best
// Passages passages retrieved for an item (by score, over its queries),
// cut to Words words in all. The zero value means 2 passages and 60
// words (a small native model has 128 positions; a longer prompt loses
// its start, never the question).
type RAGConfig struct {
	Passages int `yaml:"passages,omitempty"`
	Words    int `yaml:"words,omitempty"`
}

// MistakesConfig controls mining.
type MistakesConfig struct {
	// UncertainMargin mines items answered right with a margin (the
	// probability of the best choice minus the second best) below it;
	// 0 means the miner's default (0.2), a negative value disables
	// uncertain mining.
	UncertainMargin float64 `yaml:"uncertain_margin"`
	// MaxItems caps the mistakes mined per round (highest priority first);
	// 0 means no cap.
	MaxItems int `yaml:"max_items"`
}

// CurationConfig controls the filters between retrieval and training.
type CurationConfig struct {
	// Licenses is the licence allow-list; empty means the curate
	// package's default list of open licences.
	Licenses []string `yaml:"licenses"`
	// Decontaminate drops passages that quote an item of any suite;
	// default true (set false to disable).
	Decontaminate *bool `yaml:"decontaminate"`
	// MaxPerItem caps the passages kept per mistake; default 3.
	MaxPerItem int `yaml:"max_per_item"`
	// Review, when set, samples the kept passages for a person to check
	// (see ReviewConfig); nil means no human review. It is left out of
	// the curation stage's input hash (json "-"): the review stage hashes it.
	Review *ReviewConfig `yaml:"review,omitempty" json:"-"`
	// MinSources is the number of independent sources that must state a
	// claim's answer; 0 (default) means 2 when two or more sources are
	// configured (distinct sources in the index, plus sources.list
	// entries that are not indexes), else 1.
	MinSources int `yaml:"min_sources"`
}

// MixConfig sets the composition of a round's training set (see the
// trainset package). CPT, Augment, Normative, Extractive, Review and General are
// relative ratios of the non-replay part; Replay is the share of the whole
// set given to general replay text, in [0, 0.9]. When every ratio is zero
// the trainset package's default mix applies.
type MixConfig struct {
	// CPT: evidence passages as plain text.
	CPT float64 `yaml:"cpt"`
	// Augment: restatements of each evidence fact in several forms and
	// both entity orders (offline from the passage; paraphrases too when
	// helper.write is on).
	Augment float64 `yaml:"augment"`
	// Normative: questions in the exam's format written from the evidence.
	Normative float64 `yaml:"normative"`
	// Extractive: a passage plus a question, answered from it.
	Extractive float64 `yaml:"extractive"`
	// Review: examples replayed from earlier accepted rounds.
	Review float64 `yaml:"review"`
	// General: general instruction examples (word definitions).
	General float64 `yaml:"general"`
	// Replay: share of plain general-corpus text against forgetting.
	Replay float64 `yaml:"replay"`
	// Epochs: how often each evidence-derived and each general example
	// may appear; 0 means the trainset default.
	Epochs int `yaml:"epochs"`
	// BudgetTokens, when > 0, sizes the set in loss-bearing tokens (CPT
	// text and instruction answers; prompts carry no loss) instead of
	// letting the evidence set it.
	BudgetTokens int `yaml:"budget_tokens"`
	// Weights scales the training loss of each example kind's tokens
	// (cpt, augment, normative, extractive, review, general, replay): a
	// kind absent or 0 trains at weight 1. Only trainers that read
	// per-example weights honour it (the native one does); exports to
	// formats without them say so and train at 1. Raising general's
	// weight holds general ability without adding tokens.
	Weights map[string]float64 `yaml:"weights"`
	// GeneralExamples, when set, is a JSON Lines file (relative to the
	// config file) of training examples
	// (model.Example) forming the pool of general examples, typically the
	// base model's own instruction tuning; otherwise general examples are
	// definitions made from the dictionary passages of the index.
	GeneralExamples string `yaml:"general_examples"`
}

// MixKinds are the example kinds mix.weights may name (the trainset
// package's kinds, in its manifest order).
var MixKinds = []string{"cpt", "augment", "normative", "extractive", "review", "general", "replay"}

// GateConfig decides whether a round is accepted or rolled back.
type GateConfig struct {
	// MaxForgetting is the largest accuracy drop, in percentage points, on
	// any general suite (versus round 0) that a round may cause; default 2.
	// A negative value disables the check.
	MaxForgetting *float64 `yaml:"max_forgetting"`
	// MaxBroken is the largest number of items, over all suites, that were
	// right before the round and wrong after it; default -1 (no limit).
	MaxBroken *int `yaml:"max_broken"`
}

// ApplyDefaults fills every unset field with its default; see the field
// comments for the values and reasons. It is idempotent.
func (c *Config) ApplyDefaults() {
	if c.Name == "" {
		c.Name = "cem"
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Rounds == 0 && !c.roundsSet {
		c.Rounds = 3
	}
	if c.Model.Backend == "" {
		c.Model.Backend = BackendNative
	}
	if c.Trainer.Backend == "" {
		c.Trainer.Backend = BackendNative
	}
	if c.Trainer.Epochs == 0 {
		c.Trainer.Epochs = defaults.Epochs
	}
	if c.Trainer.LearningRate == 0 {
		c.Trainer.LearningRate = defaults.LearningRate
	}
	if c.Exam.BatchSize == 0 {
		c.Exam.BatchSize = defaults.ExamBatch
	}
	c.applyServedDefaults()
	for i := range c.Suites {
		if c.Suites[i].Name == "" {
			c.Suites[i].Name = c.Suites[i].Role
		}
	}
	c.applySourceListDefaults()
	if c.Sources.K == 0 {
		c.Sources.K = 4
	}
	if c.RAG.Passages == 0 {
		c.RAG.Passages = 2
	}
	if c.RAG.Words == 0 {
		c.RAG.Words = 60
	}
	if c.Curation.Decontaminate == nil {
		c.Curation.Decontaminate = ptr(true)
	}
	if c.Curation.MaxPerItem == 0 {
		c.Curation.MaxPerItem = 3
	}
	if c.Gate.MaxForgetting == nil {
		c.Gate.MaxForgetting = ptr(2.0)
	}
	if c.Gate.MaxBroken == nil {
		c.Gate.MaxBroken = ptr(-1)
	}
	if h := c.Helper; h != nil {
		if h.Extract == nil {
			h.Extract = ptr(true)
		}
		if h.Write == nil {
			h.Write = ptr(false)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// SuitesByRole returns the suites with the given role, in file order.
func (c *Config) SuitesByRole(role string) []SuiteConfig {
	var out []SuiteConfig
	for _, s := range c.Suites {
		if s.Role == role {
			out = append(out, s)
		}
	}
	return out
}

// FieldError is a bad value in a config file: the dotted key, the line
// (0 when unknown) and what is wrong.
type FieldError struct {
	File string
	Key  string
	Line int
	Msg  string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	fmt.Fprintf(&b, "%s: %s", e.Key, e.Msg)
	return b.String()
}
