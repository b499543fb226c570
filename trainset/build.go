package trainset

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model"
)

// Inputs are what a round's training set is made from.
type Inputs struct {
	Round    int
	Evidence []Evidence
	// Previous holds earlier rounds' examples, the pool for review.
	Previous []model.Example
	// General is the general instruction pool (see GeneralPool).
	General []model.Example
	// Replay is the general corpus replay text is drawn from.
	Replay []knowledge.Passage
}

// Set is a built training set, in training order.
type Set struct {
	Round    int             `json:"round"`
	Seed     int64           `json:"seed"`
	Examples []model.Example `json:"examples"`
}

// TrainSet returns the set as a model.TrainSet written to dir.
func (s Set) TrainSet(dir string) model.TrainSet {
	return model.TrainSet{Dir: dir, Examples: s.Examples, Seed: s.Seed}
}

// QuestionWriter writes extra normative questions about a piece of
// evidence (for example with a language model, see LLMWriter).
type QuestionWriter interface {
	Write(ctx context.Context, ev Evidence) ([]QA, error)
}

// Builder builds training sets. The zero value works: approximate token
// counts, no decontamination, questions in the exam's prompt format.
type Builder struct {
	// Tokens counts the tokens of a text; nil means ApproxTokens. Pass a
	// tokenizer's count for exact budgets.
	Tokens func(string) int
	// Decontam, when set, drops every example whose prompt and text
	// overlap a protected exam item (build it with curate.NewPipeline or
	// curate.NewDecontaminator over every suite).
	Decontam *curate.Decontaminator
	// Format renders a generated question in the exam's own prompt
	// format; nil means exam.Prompt ("Question: ...\nAnswer:"). The
	// response of normative and extractive examples is always
	// exam.Continuation(answer) (the answer after one space), the text the
	// exam scores, so Format must be an answer-text format, not the
	// letter-mode one.
	Format func(*exam.Item) string
	// Writer, when set, adds its questions to the normative pool.
	Writer QuestionWriter
	// Paraphraser, when set, adds its restatements of each evidence
	// passage to the augment pool (see LLMParaphraser).
	Paraphraser Paraphraser
}

// ApproxTokens estimates tokens as 1.3 per whitespace-separated word,
// rounded up.
func ApproxTokens(s string) int {
	return int(math.Ceil(1.3 * float64(len(strings.Fields(s)))))
}

// Build is Builder{}.Build.
func Build(ctx context.Context, in Inputs, mix Mix) (Set, Manifest, error) {
	return Builder{}.Build(ctx, in, mix)
}

// Build makes the round's training set.
//
// It first generates a pool per kind: one CPT document per distinct
// evidence passage; its augmentation (Augment's restatements of the
// passage's facts in both entity orders, each statement decontaminated,
// and the Paraphraser's); normative questions (template questions from
// the item's subject and relation when it has them, else questions from
// the passage's statements; the item's question restated; and the Writer's
// questions), each formatted with Format and answered with the gold
// answer; one extractive example per evidence (the passage and the
// restated question, or the Writer's first when the Writer names itself
// in QA.By, as LLMWriter does); review
// examples from Previous, general ones from General and replay text from
// Replay. Every pooled example that overlaps
// an exam item is dropped and counted (Manifest.Decontaminated). Then
// each kind is drawn, in a seeded random order, until its target share
// (see Mix) is met — possibly overshooting by one example — evidence
// kinds cycling through their pool at most Epochs times. The result is
// shuffled with mix.Seed. The same inputs, mix and seed give the same set.
//
// It fails on an invalid mix, a Writer or Paraphraser error (naming the passage) or when
// ctx is done.
func (b Builder) Build(ctx context.Context, in Inputs, mix Mix) (Set, Manifest, error) {
	mix, err := mix.withDefaults()
	if err != nil {
		return Set{}, Manifest{}, err
	}
	if b.Tokens == nil {
		b.Tokens = ApproxTokens
	}
	pools, prov, statements, ungrounded, err := b.pools(ctx, in, mix.Seed)
	if err != nil {
		return Set{}, Manifest{}, err
	}
	man := Manifest{Round: in.Round, Seed: mix.Seed, Mix: mix, Unit: "examples", Dropped: statements, Ungrounded: ungrounded}
	if mix.BudgetTokens > 0 {
		man.Unit = "tokens"
	}
	dropped := map[string]int{KindAugment: len(statements)}
	for _, k := range Kinds {
		pools[k] = b.decontaminate(pools[k], prov, &man, dropped)
	}
	unit := func(e model.Example) int {
		if man.Unit == "tokens" {
			return LossTokens(e, b.Tokens) // budgets count loss-bearing tokens
		}
		return 1
	}
	targets := b.targets(pools, mix, unit)
	var all []model.Example
	for _, k := range Kinds {
		if k == KindReplay {
			continue
		}
		all = append(all, draw(pools[k], targets[k], epochsOf(k, mix), unit, mix.Seed, k)...)
	}
	if mix.Replay > 0 {
		if mix.Budget == 0 && mix.BudgetTokens == 0 {
			sum := 0
			for _, e := range all {
				sum += unit(e)
			}
			targets[KindReplay] = mix.Replay / (1 - mix.Replay) * float64(sum)
		}
		all = append(all, draw(pools[KindReplay], targets[KindReplay], 1, unit, mix.Seed, KindReplay)...)
	}
	rng := rand.New(rand.NewPCG(uint64(mix.Seed), 0x5eed))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	all = mix.Weigh(all)
	man.fill(all, pools, targets, dropped, prov, b.Tokens)
	return Set{Round: in.Round, Seed: mix.Seed, Examples: all}, man, nil
}

// epochsOf is how often an example of kind may repeat.
func epochsOf(kind string, mix Mix) int {
	switch kind {
	case KindCPT, KindAugment, KindNormative, KindExtractive, KindGeneral:
		return mix.Epochs
	}
	return 1
}

// targets computes the units each non-replay kind should get, and replay
// when the budget is fixed.
func (b Builder) targets(pools map[string][]model.Example, mix Mix, unit func(model.Example) int) map[string]float64 {
	units := func(k string) float64 {
		s := 0
		for _, e := range pools[k] {
			s += unit(e)
		}
		return float64(s)
	}
	var sumRatio float64
	for _, k := range ratioKinds {
		sumRatio += mix.ratio(k)
	}
	t := map[string]float64{}
	var nonReplay float64
	switch {
	case mix.BudgetTokens > 0:
		nonReplay = (1 - mix.Replay) * float64(mix.BudgetTokens)
		t[KindReplay] = mix.Replay * float64(mix.BudgetTokens)
	case mix.Budget > 0:
		nonReplay = (1 - mix.Replay) * float64(mix.Budget)
		t[KindReplay] = mix.Replay * float64(mix.Budget)
	default:
		var evUnits, evRatio float64
		for _, k := range sizingKinds {
			if mix.ratio(k) > 0 {
				evUnits += units(k) * float64(mix.Epochs)
				evRatio += mix.ratio(k)
			}
		}
		if evRatio > 0 {
			nonReplay = evUnits / evRatio * sumRatio
		}
	}
	if sumRatio > 0 {
		for _, k := range ratioKinds {
			t[k] = mix.ratio(k) / sumRatio * nonReplay
		}
	}
	return t
}

// draw takes examples from pool in a seeded random order until their
// units reach target, cycling at most epochs times; repeats get an
// "#<epoch>" id suffix.
func draw(pool []model.Example, target float64, epochs int, unit func(model.Example) int, seed int64, kind string) []model.Example {
	if len(pool) == 0 || target <= 0 {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(kind))
	rng := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	var out []model.Example
	acc := 0.0
	for ep := 0; ep < epochs; ep++ {
		order := rng.Perm(len(pool))
		for _, i := range order {
			if acc >= target {
				return out
			}
			e := pool[i]
			if ep > 0 {
				e.ID = fmt.Sprintf("%s#%d", e.ID, ep+1)
			}
			out = append(out, e)
			acc += float64(unit(e))
		}
	}
	return out
}

// decontaminate drops the examples that overlap a protected item.
func (b Builder) decontaminate(pool []model.Example, prov map[string]Provenance, man *Manifest, dropped map[string]int) []model.Example {
	if b.Decontam == nil {
		return pool
	}
	var kept []model.Example
	for _, e := range pool {
		if id, ok := b.Decontam.Match(e.Prompt + "\n" + e.Text); ok {
			dropped[e.Kind]++
			man.Dropped = append(man.Dropped, Dropped{ID: e.ID, Kind: e.Kind, Origin: e.Origin, Item: prov[e.ID].Item, Overlaps: id})
			continue
		}
		kept = append(kept, e)
	}
	return kept
}
