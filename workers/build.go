package workers

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/internal/defaults"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/trainset"
)

// Builder builds rounds' training sets with the trainset package and
// makes the baselines: random (the CEM set's loss-bearing tokens drawn
// uniformly from Corpus as CPT text), random-evidence (the CEM recipe on
// random Corpus passages at the CEM set's loss-bearing tokens), both
// times BuildInput.Scale, and the cpt-only, cit-only and no-replay
// ablations of the mix. Untargeted builds as CEM does (its mistakes are
// drawn, see Miner). A baseline's manifest names the CEM set it is sized
// against (trainset.Manifest.Reference).
type Builder struct {
	Mix      config.MixConfig
	Corpus   []knowledge.Passage
	Tokens   func(string) int
	Trainset trainset.Builder
	// General, when set, is the general instruction pool (for example the
	// base model's own instruction tuning); otherwise the pool is made of
	// definitions from Corpus's dictionary passages.
	General []model.Example
	// GeneralN caps the definitions made from Corpus; default 2000.
	GeneralN int
	// GeneralSources are the dictionary-like sources of Corpus the
	// definitions come from; default trainset.DictionarySources.
	GeneralSources []string

	general []model.Example // built on first use
}

var _ loop.Builder = (*Builder)(nil)

// Build makes the round's set. The manifest is the trainset.Manifest.
func (b *Builder) Build(ctx context.Context, in loop.BuildInput) (loop.TrainSet, error) {
	mix := trainset.FromConfig(b.Mix, in.Seed)
	switch in.Baseline {
	case config.BaselineCPTOnly, config.BaselineCITOnly, config.BaselineNoReply:
		var err error
		if mix, err = mix.Ablate(trainset.Ablation(in.Baseline)); err != nil {
			return loop.TrainSet{}, err
		}
	case config.BaselineNone, config.BaselineRandom, config.BaselineRandomEvidence, config.BaselineUntargeted:
	default: // rag trains nothing
		return loop.TrainSet{}, fmt.Errorf("workers: baseline %q builds no training set", in.Baseline)
	}
	inputs := trainset.Inputs{Round: in.Round, Previous: in.Previous, General: b.generalPool(in), Replay: b.Corpus,
		Evidence: trainset.FromCandidates(in.Evidence, in.Mistakes)}
	set, man, err := b.Trainset.Build(ctx, inputs, mix)
	if err != nil {
		return loop.TrainSet{}, err
	}
	scale := defaults.Positive(in.Scale, 1)
	ref := &trainset.Reference{Tokens: man.Total.Tokens, LossTokens: man.Total.LossTokens, Scale: scale,
		TargetLossTokens: int(math.Round(scale * float64(man.Total.LossTokens)))}
	if in.Baseline == config.BaselineRandomEvidence && len(b.Corpus) > 0 {
		if set, man, err = b.randomEvidenceSet(ctx, inputs, mix, in.Seed, ref); err != nil {
			return loop.TrainSet{}, err
		}
	}
	if in.Baseline == config.BaselineRandom {
		// Equal loss-bearing tokens (times scale): the random text replaces
		// the whole CEM set, whose prompts carry no loss and so are not
		// counted.
		set, man = b.Trainset.Random(b.Corpus, ref.TargetLossTokens, in.Seed)
		man.Round, man.Reference = in.Round, ref
	}
	return loop.TrainSet{Examples: set.Examples, Manifest: man}, nil
}

// randomEvidence returns ev with each passage replaced by a corpus
// passage drawn at random (by seed) that does not state the evidence's
// answer or an alias (trainset.StatesAnswer), the closest in length
// (tokens) of 8 such draws; an entry for which 64 draws find none is
// left out. The mistakes, answers and key terms stay, the knowledge
// goes: as no passage left states its answer, the recipe writes no
// question answered from the exam's answer key for it, and the set is
// the passages, their restatements, review, general and replay.
func randomEvidence(ev []trainset.Evidence, corpus []knowledge.Passage, tokens func(string) int, seed int64) []trainset.Evidence {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7a4d0e))
	var out []trainset.Evidence
	for _, e := range ev {
		want := tokens(e.Passage.Title + " " + e.Passage.Text)
		best, bestDiff := -1, 0
		for try := 0; try < 64 && (best < 0 || try < 8); try++ {
			j := rng.IntN(len(corpus))
			p := corpus[j]
			if trainset.StatesAnswer(trainset.Evidence{Passage: p, Answer: e.Answer, Aliases: e.Aliases}) {
				continue
			}
			d := tokens(p.Title+" "+p.Text) - want
			if d < 0 {
				d = -d
			}
			if best < 0 || d < bestDiff {
				best, bestDiff = j, d
			}
		}
		if best >= 0 {
			e.Passage = corpus[best]
			out = append(out, e)
		}
	}
	return out
}

// randomEvidenceSet builds the random-evidence set: the same recipe and
// mix on random passages, each about as long as the passage it replaces,
// as many of them as bring the set's loss-bearing tokens to
// ref.TargetLossTokens (within 3 %, in at most 4 builds: random passages
// give no questions (trainset.StatesAnswer), unlike real evidence, and
// pools such as the general one run out, so the count is corrected by
// the shortfall). A
// fixed mix.budget_tokens is scaled instead. The manifest records
// counted and loss-bearing tokens, and ref.
func (b *Builder) randomEvidenceSet(ctx context.Context, inputs trainset.Inputs, mix trainset.Mix, seed int64, ref *trainset.Reference) (trainset.Set, trainset.Manifest, error) {
	real := inputs.Evidence
	n := ref.Scale
	if mix.BudgetTokens > 0 {
		mix.BudgetTokens = ref.TargetLossTokens
	}
	var set trainset.Set
	var man trainset.Manifest
	for try := 0; try < 4; try++ {
		inputs.Evidence = scaledRandomEvidence(real, b.Corpus, b.tokens(), seed, n)
		var err error
		if set, man, err = b.Trainset.Build(ctx, inputs, mix); err != nil {
			return trainset.Set{}, trainset.Manifest{}, err
		}
		got, want := float64(man.Total.LossTokens), float64(ref.TargetLossTokens)
		if got == 0 || want == 0 || math.Abs(got/want-1) <= 0.03 || mix.BudgetTokens > 0 {
			break
		}
		n *= want / got
	}
	man.Reference = ref
	return set, man, nil
}

// scaledRandomEvidence is randomEvidence over round(scale x len(ev))
// entries: ev repeated (each repeat drawing with its own seed) and cut.
func scaledRandomEvidence(ev []trainset.Evidence, corpus []knowledge.Passage, tokens func(string) int, seed int64, scale float64) []trainset.Evidence {
	n := int(math.Round(scale * float64(len(ev))))
	var out []trainset.Evidence
	for c := 0; len(out) < n; c++ {
		part := randomEvidence(ev, corpus, tokens, seed+int64(c))
		if len(part) == 0 {
			break // every draw states the answers: nothing to repeat
		}
		out = append(out, part[:min(len(part), n-len(out))]...)
	}
	return out
}

// tokens is b.Tokens, or the approximate count.
func (b *Builder) tokens() func(string) int {
	if b.Tokens != nil {
		return b.Tokens
	}
	return trainset.ApproxTokens
}

// generalPool returns b.General or builds (once) a general instruction
// pool of corpus definitions avoiding the mistakes' answers and subjects.
func (b *Builder) generalPool(in loop.BuildInput) []model.Example {
	if len(b.General) > 0 {
		return b.General
	}
	if b.general != nil {
		return b.general
	}
	sources := b.GeneralSources
	if len(sources) == 0 {
		sources = trainset.DictionarySources
	}
	var avoid []string
	for _, m := range in.Mistakes {
		avoid = append(avoid, m.Item.Subject, m.Item.Object)
	}
	n := b.GeneralN
	if n == 0 {
		n = 2000
	}
	b.general = trainset.GeneralPool(b.Corpus, trainset.GeneralOptions{Sources: sources, N: n, Seed: in.Seed, Avoid: nonEmpty(avoid), Decontam: b.Trainset.Decontam})
	if b.general == nil {
		b.general = []model.Example{}
	}
	return b.general
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// nativeOptions maps the trainer config to the native trainer's options.
func nativeOptions(t config.TrainerConfig, rep progress.Reporter) native.Options {
	return native.Options{LR: t.LearningRate, Epochs: t.Epochs, BatchTokens: t.BatchTokens, Progress: progress.Named(rep, "train")}
}
