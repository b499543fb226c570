package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cemlab/cem/internal/digest"
	"github.com/cemlab/cem/internal/progress"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/nn"
)

// baseSpec says how the demo's base model is made; its hash names the
// cached checkpoint.
type baseSpec struct {
	Arch   nn.Config `json:"arch"`
	Epochs int       `json:"epochs"` // over Texts
	LR     float64   `json:"lr"`
	Texts  []string  `json:"texts"`
	// Tuning is trained after pre-training, TuneEpochs times.
	Tuning     []model.Example `json:"tuning"`
	TuneEpochs int             `json:"tune_epochs"`
	Seed       uint64          `json:"seed"`
}

// quickArch is the tiny architecture of --quick runs.
var quickArch = nn.Config{Vocab: 1024, Dim: 64, Layers: 2, Heads: 2, FFN: 192, MaxSeq: 128}

// demoArch is the architecture of the full demo: between nn's tiny
// (d128, 4 layers) and small sizes. At d128 the rounds reached the
// forgetting gate with +22.5/+9.0 exam points (seeds 1/2); at d192 the
// same settings gave +28.0/+31.0 with forgetting at most 1.5 points.
var demoArch = nn.Config{Vocab: 2048, Dim: 192, Layers: 4, Heads: 4, FFN: 576, MaxSeq: 128}

// baseTexts picks the pre-training texts: WordNet passages in a seeded
// order, leaving out every passage that names a withheld fact's subject
// or answer, up to n; plus every passage about a known fact and the
// definitions behind the instruction-tuning questions.
func baseTexts(dict []knowledge.Passage, set *suiteSet, n int, seed uint64) []string {
	withheld := factTerms(set.withheld)
	known := factTerms(append(slices.Clip(set.known), set.review...))
	order := make([]int, len(dict))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0xba5e))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	var texts []string
	taken := map[int]bool{}
	for _, i := range order {
		w := spaced(dict[i].Text)
		if mentions(w, withheld) {
			continue
		}
		if mentions(w, known) || len(texts) < n {
			texts = append(texts, dict[i].Text)
			taken[i] = true
		}
	}
	for _, it := range set.instruct {
		texts = append(texts, fmt.Sprintf("%s: %s.", strings.TrimPrefix(it.Fact, "define/"), it.Answer.Text))
	}
	return texts
}

// factTerms returns the normalised subjects and answers of items, padded
// with spaces for whole-word matching.
func factTerms(items []exam.Item) []string {
	var out []string
	for _, it := range items {
		for _, s := range []string{it.Subject, it.Object, it.Answer.Text} {
			if w := curate.Words(s); len(w) > 0 {
				out = append(out, " "+strings.Join(w, " ")+" ")
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// spaced is s's words (curate.Words) joined by single spaces, with a
// space either side, so that mentions matches whole words only.
func spaced(s string) string { return " " + strings.Join(curate.Words(s), " ") + " " }

func mentions(words string, terms []string) bool {
	for _, t := range terms {
		if strings.Contains(words, t) {
			return true
		}
	}
	return false
}

// tuningExamples are the general instruction-tuning examples: every
// definition question with its answer, in the exam's prompt format.
func tuningExamples(set *suiteSet) []model.Example {
	return answered(set.instruct, "general")
}

// reviewExamples are the capital questions the base model is also
// instruction tuned on (facts outside every suite), with their answers;
// every round may review them.
func reviewExamples(set *suiteSet) []model.Example {
	return answered(set.review, "review")
}

// answered turns items into examples: the item's prompt, its answer.
func answered(items []exam.Item, kind string) []model.Example {
	var out []model.Example
	for _, it := range items {
		out = append(out, model.Example{ID: "tune:" + it.ID, Kind: kind, Prompt: exam.Prompt(&it),
			Text: exam.Continuation(it.Answer.Text), Origin: it.Source})
	}
	return out
}

// buildBase returns the cached base model of spec under dir, building it
// first when missing: pre-training on spec.Texts, then instruction tuning
// on spec.Tuning. The second result is true when the cache was used.
func buildBase(ctx context.Context, dir string, spec baseSpec, rep progress.Reporter) (model.Ref, bool, error) {
	out := filepath.Join(dir, "base-"+digest.JSON(spec)[:12])
	ref := model.Ref{Backend: "native", Path: out}
	if _, err := os.Stat(filepath.Join(out, "model.safetensors")); err == nil {
		return ref, true, nil
	}
	work := out + ".partial"
	pre := filepath.Join(work, "pretrain")
	if _, err := os.Stat(filepath.Join(pre, "model.safetensors")); err != nil {
		cfg := spec.Arch
		_, err := native.Pretrain(ctx, spec.Texts, nil, native.PretrainOptions{Config: &cfg, InitSeed: spec.Seed,
			TokenizerBytes: 1 << 20,
			Train: native.Options{Out: pre, Epochs: spec.Epochs, LR: spec.LR, Seed: spec.Seed, BatchTokens: 2048,
				Progress: progress.Named(rep, "pre-train base model")}})
		if err != nil {
			return ref, false, fmt.Errorf("demo: base model: pre-train: %w", err)
		}
	}
	tuner := native.Trainer{Options: native.Options{Out: filepath.Join(work, "tuned"), Epochs: spec.TuneEpochs, LR: spec.LR,
		BatchTokens: 1024, Progress: progress.Named(rep, "instruction-tune base model")}}
	tuned, err := tuner.Train(ctx, model.Ref{Backend: "native", Path: pre}, model.TrainSet{Dir: work, Examples: spec.Tuning, Seed: int64(spec.Seed)})
	if err != nil {
		return ref, false, fmt.Errorf("demo: base model: instruction tuning: %w", err)
	}
	if err := os.Rename(tuned.Path, out); err != nil {
		return ref, false, fmt.Errorf("demo: base model: %w", err)
	}
	os.RemoveAll(work)
	return ref, false, nil
}
