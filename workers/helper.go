package workers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/model/openai"
	"github.com/cemlab/cem/trainset"
)

// Meter labels and the helper's call sites (label/site in the metrics).
const (
	labelModel  = "model"
	labelHelper = "helper"
	siteExtract = "extract"
	siteWrite   = "write"
	// siteParaphrase counts the augment part's paraphrase requests.
	siteParaphrase = "paraphrase"
	extractorLLM   = "llm:" // prefix of a helper extractor's name
)

// meter sums the usage of the OpenAI-compatible models the stages open,
// by label and call site; it is the loop's Meter.
type meter struct {
	mu       sync.Mutex
	models   []meteredModel
	trainers []meteredTrainer
}

// meteredTrainer is a trainer that reports what its jobs used.
type meteredTrainer struct {
	label string
	usage func() model.Usage
}

type meteredModel struct {
	label string
	m     *openai.Model
}

var _ loop.Meter = (*meter)(nil)

func (mt *meter) add(label string, m *openai.Model) {
	if mt == nil {
		return
	}
	mt.mu.Lock()
	defer mt.mu.Unlock()
	mt.models = append(mt.models, meteredModel{label, m})
}

// addTrainer meters a trainer whose jobs report what they used.
func (mt *meter) addTrainer(label string, usage func() model.Usage) {
	mt.mu.Lock()
	defer mt.mu.Unlock()
	mt.trainers = append(mt.trainers, meteredTrainer{label: label, usage: usage})
}

// Usage returns the cumulative usage by "label" or "label/site".
func (mt *meter) Usage() map[string]model.Usage {
	mt.mu.Lock()
	models := append([]meteredModel(nil), mt.models...)
	mt.mu.Unlock()
	out := map[string]model.Usage{}
	for _, mm := range models {
		for site, u := range mm.m.Usage() {
			key := mm.label
			if site != "" {
				key += "/" + site
			}
			out[key] = out[key].Add(u)
		}
	}
	mt.mu.Lock()
	trainers := append([]meteredTrainer(nil), mt.trainers...)
	mt.mu.Unlock()
	for _, tr := range trainers {
		out[tr.label] = out[tr.label].Add(tr.usage())
	}
	return out
}

func openaiPrice(p config.PriceConfig) openai.Price {
	return openai.Price{PromptPer1K: p.PromptPer1K, CompletionPer1K: p.CompletionPer1K}
}

// helper is a configured helper model with its prompt templates ("" when
// the task is off).
type helper struct {
	gen        mistake.Generator
	name       string // "llm:<model>" in the queries artifact
	cfg        config.HelperConfig
	extract    string
	write      string
	paraphrase string
}

// newHelper builds the helper of cfg (nil when none is configured or it
// has nothing to do), registering an openai one with mt. Errors name the
// config key at fault.
func newHelper(cfg *config.Config, mt *meter) (*helper, error) {
	hc := cfg.Helper
	if hc == nil || (!cfg.Extracts() && !cfg.Writes()) {
		return nil, nil
	}
	h := &helper{cfg: *hc}
	var err error
	if cfg.Extracts() {
		if h.extract, err = prompt(hc.Prompts.Extract, "helper.prompts.extract", mistake.DefaultTemplate, mistake.CheckTemplate); err != nil {
			return nil, err
		}
	}
	if cfg.Writes() {
		if h.write, err = prompt(hc.Prompts.Write, "helper.prompts.write", trainset.DefaultWriterTemplate, trainset.CheckWriterTemplate); err != nil {
			return nil, err
		}
		if h.paraphrase, err = prompt(hc.Prompts.Paraphrase, "helper.prompts.paraphrase", trainset.DefaultParaphraseTemplate,
			trainset.CheckParaphraseTemplate); err != nil {
			return nil, err
		}
	}
	switch hc.Backend {
	case config.BackendOpenAI:
		m, err := openai.New(OpenAIConfig(hc.ModelConfig, "", cfg.Seed))
		if err != nil {
			return nil, &config.FieldError{Key: "helper", Msg: err.Error()}
		}
		mt.add(labelHelper, m)
		h.gen, h.name = m, extractorLLM+hc.Name
	case config.BackendNative:
		m, err := native.OpenRef(model.Ref{Backend: config.BackendNative, Path: hc.Path})
		if err != nil {
			return nil, &config.FieldError{Key: "helper.path", Msg: err.Error()}
		}
		h.gen, h.name = m, extractorLLM+hc.Path
	default:
		return nil, &config.FieldError{Key: "helper.backend", Msg: fmt.Sprintf("unknown backend %q (want openai or native)", hc.Backend)}
	}
	return h, nil
}

// prompt returns the template in file, or def when file is empty, after
// check; errors name key and the file.
func prompt(file, key, def string, check func(string) error) (string, error) {
	tpl := def
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", &config.FieldError{Key: key, Msg: err.Error()}
		}
		tpl = string(data)
	}
	if err := check(tpl); err != nil {
		if file != "" {
			return "", &config.FieldError{Key: key, Msg: file + ": " + err.Error()}
		}
		return "", fmt.Errorf("%s: built-in template: %w", key, err)
	}
	return tpl, nil
}

// fingerprint hashes the helper settings that change what a task makes:
// the model's identity, the task's template and the seed.
func (h *helper) fingerprint(task, template string, seed int64) string {
	data, _ := json.Marshal(struct {
		Task, Backend, Name, BaseURL, Path, Template string
		Seed                                         int64
	}{task, h.cfg.Backend, h.cfg.Name, h.cfg.BaseURL, h.cfg.Path, template, seed})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// extractor returns the LLM knowledge-point extractor.
func (h *helper) extractor(opts mistake.PointOptions, seed int64) helperExtractor {
	return helperExtractor{LLM: mistake.LLM{Model: h.gen, Template: h.extract, Seed: seed, Options: opts},
		name: h.name, print: h.fingerprint(siteExtract, h.extract, seed)}
}

// writer returns the LLM question writer.
func (h *helper) writer(seed int64) helperWriter {
	return helperWriter{LLMWriter: trainset.LLMWriter{Model: h.gen, Template: h.write, Seed: seed},
		print: h.fingerprint(siteWrite, h.write, seed)}
}

// paraphraser returns the LLM paraphraser of the augment part.
func (h *helper) paraphraser(seed int64) helperParaphraser {
	return helperParaphraser{LLMParaphraser: trainset.LLMParaphraser{Model: h.gen, Template: h.paraphrase, Seed: seed},
		print: h.fingerprint(siteParaphrase, h.paraphrase, seed)}
}

// helperExtractor is mistake.LLM labelled for the queries artifact, the
// usage counters and the queries stage's input hash.
type helperExtractor struct {
	mistake.LLM
	name, print string
}

// Extract asks the helper, counting its requests under helper/extract.
func (e helperExtractor) Extract(ctx context.Context, m mistake.Mistake) ([]mistake.KnowledgePoint, error) {
	return e.LLM.Extract(openai.WithSite(ctx, siteExtract), m)
}

// Fingerprint covers the helper model, the template and the seed.
func (e helperExtractor) Fingerprint() string { return e.print }

// Name is what the queries artifact records for the helper's queries.
func (e helperExtractor) Name() string { return e.name }

// helperWriter is trainset.LLMWriter labelled for the usage counters and
// the trainset stage's input hash.
type helperWriter struct {
	trainset.LLMWriter
	print string
}

// Write asks the helper, counting its requests under helper/write.
func (w helperWriter) Write(ctx context.Context, ev trainset.Evidence) ([]trainset.QA, error) {
	return w.LLMWriter.Write(openai.WithSite(ctx, siteWrite), ev)
}

// Fingerprint covers the helper model, the template and the seed.
func (w helperWriter) Fingerprint() string { return w.print }

// helperParaphraser is trainset.LLMParaphraser labelled for the usage
// counters and the trainset stage's input hash.
type helperParaphraser struct {
	trainset.LLMParaphraser
	print string
}

// Paraphrase asks the helper, counting its requests under
// helper/paraphrase.
func (p helperParaphraser) Paraphrase(ctx context.Context, ev trainset.Evidence) ([]string, error) {
	return p.LLMParaphraser.Paraphrase(openai.WithSite(ctx, siteParaphrase), ev)
}

// Fingerprint covers the helper model, the template and the seed.
func (p helperParaphraser) Fingerprint() string { return p.print }

// Fingerprint is the Extractor's fingerprint (see loop.Fingerprinter);
// "" for the heuristic.
func (p Planner) Fingerprint() string {
	if f, ok := p.Extractor.(loop.Fingerprinter); ok {
		return f.Fingerprint()
	}
	return ""
}

// Fingerprint is the question writer's fingerprint, followed by the
// paraphraser's when there is one (see loop.Fingerprinter); "" without
// either.
func (b *Builder) Fingerprint() string {
	var out string
	if f, ok := b.Trainset.Writer.(loop.Fingerprinter); ok {
		out = f.Fingerprint()
	}
	if f, ok := b.Trainset.Paraphraser.(loop.Fingerprinter); ok {
		out += "+" + f.Fingerprint()
	}
	return out
}

var (
	_ loop.Fingerprinter = Planner{}
	_ loop.Fingerprinter = (*Builder)(nil)
)
