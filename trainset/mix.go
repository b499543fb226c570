package trainset

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/model"
)

// Example kinds.
const (
	KindCPT        = "cpt"
	KindAugment    = "augment"
	KindNormative  = "normative"
	KindExtractive = "extractive"
	KindReview     = "review"
	KindGeneral    = "general"
	KindReplay     = "replay"
)

// Kinds lists the example kinds in manifest order.
var Kinds = []string{KindCPT, KindAugment, KindNormative, KindExtractive, KindReview, KindGeneral, KindReplay}

// ratioKinds are the kinds with a relative ratio (all but replay), and
// sizingKinds those whose pools size an evidence-sized set (see Mix).
var (
	ratioKinds  = Kinds[:6]
	sizingKinds = []string{KindCPT, KindNormative, KindExtractive}
)

// Mix sets the composition of a training set.
//
// CPT, Augment, Normative, Extractive, Review and General are relative ratios of
// the non-replay part (they need not sum to 1). Augment is the knowledge
// augmentation: restatements of the evidence facts in several forms and
// both entity orders (see Restate). Replay is the share of the whole set
// given to replay text, in [0, 0.9]. When all seven are zero the
// DefaultMix ratios are used.
//
// Size: with Budget > 0 the set has about Budget examples; with
// BudgetTokens > 0 (which wins) the shares are of loss-bearing tokens
// instead (see LossTokens: instruction prompts do not count). With
// neither, the evidence sets the size: the evidence kinds (cpt,
// normative, extractive) together use all their examples Epochs times,
// and the other kinds (augment, review, general) get their ratio's share
// of that, so that augmentation takes a share of the set rather than
// growing it.
//
// Epochs is how many times each evidence-derived example (cpt, augment,
// normative, extractive) and each general example may appear (default
// 1): a general pool is often small once the general suite's own items
// are decontaminated out of it, and its share is what holds general
// ability. Review and replay examples appear at most once.
type Mix struct {
	CPT          float64 `json:"cpt"`
	Augment      float64 `json:"augment"`
	Normative    float64 `json:"normative"`
	Extractive   float64 `json:"extractive"`
	Review       float64 `json:"review"`
	General      float64 `json:"general"`
	Replay       float64 `json:"replay"`
	Budget       int     `json:"budget,omitempty"`
	BudgetTokens int     `json:"budget_tokens,omitempty"`
	Epochs       int     `json:"epochs,omitempty"`
	// Weights scales the loss weight of every example of a kind (absent
	// or 0: 1); see Weigh.
	Weights map[string]float64 `json:"weights,omitempty"`
	Seed    int64              `json:"seed"`
}

// FromConfig is the one conversion of a config's mix section into a Mix
// for seed: the same ratios, evidence epochs and token budget. The config
// has no example-count budget, and its general_examples file is read by
// the wiring. A section with no ratio means DefaultMix, as for any Mix.
func FromConfig(c config.MixConfig, seed int64) Mix {
	return Mix{CPT: c.CPT, Augment: c.Augment, Normative: c.Normative, Extractive: c.Extractive, Review: c.Review, General: c.General,
		Replay: c.Replay, Epochs: c.Epochs, BudgetTokens: c.BudgetTokens, Weights: c.Weights, Seed: seed}
}

// DefaultMix is the mix used when none is set: ratios 0.4 CPT, 0.15
// augment, 0.25 normative, 0.15 extractive, 0.1 review and 0.1 general
// (relative: augment comes on top of the other shares, which keep their
// proportions), plus 10 % replay, two epochs over the evidence.
func DefaultMix() Mix {
	return Mix{CPT: 0.4, Augment: 0.15, Normative: 0.25, Extractive: 0.15, Review: 0.1, General: 0.1, Replay: 0.1, Epochs: 2}
}

// ratio returns the mix ratio of kind (replay excluded).
func (m Mix) ratio(kind string) float64 {
	switch kind {
	case KindCPT:
		return m.CPT
	case KindAugment:
		return m.Augment
	case KindNormative:
		return m.Normative
	case KindExtractive:
		return m.Extractive
	case KindReview:
		return m.Review
	case KindGeneral:
		return m.General
	}
	return 0
}

// orDefault returns m, or DefaultMix with m's budgets, seed and epochs
// (when set) when m has no ratio at all.
func (m Mix) orDefault() Mix {
	if m.CPT != 0 || m.Augment != 0 || m.Normative != 0 || m.Extractive != 0 || m.Review != 0 || m.General != 0 || m.Replay != 0 {
		return m
	}
	d := DefaultMix()
	d.Budget, d.BudgetTokens, d.Seed = m.Budget, m.BudgetTokens, m.Seed
	if m.Epochs > 0 {
		d.Epochs = m.Epochs
	}
	return d
}

// withDefaults fills unset fields and validates.
func (m Mix) withDefaults() (Mix, error) {
	m = m.orDefault()
	if m.Epochs <= 0 {
		m.Epochs = 1
	}
	for _, k := range ratioKinds {
		if m.ratio(k) < 0 {
			return m, fmt.Errorf("mix: %s ratio %v is negative", k, m.ratio(k))
		}
	}
	if m.Replay < 0 || m.Replay > 0.9 {
		return m, fmt.Errorf("mix: replay share %v outside [0, 0.9]", m.Replay)
	}
	if m.Budget < 0 || m.BudgetTokens < 0 {
		return m, fmt.Errorf("mix: negative budget")
	}
	for _, k := range slices.Sorted(maps.Keys(m.Weights)) {
		if w := m.Weights[k]; !slices.Contains(Kinds, k) || w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return m, fmt.Errorf("mix: weight %v of kind %q (want a finite weight >= 0 of one of %v)", w, k, Kinds)
		}
	}
	return m, nil
}

// Weigh returns examples with each one's loss weight (0 meaning 1)
// multiplied by its kind's weight in m (a kind absent or 0: unchanged).
// It copies the slice only when a weight changes something.
func (m Mix) Weigh(examples []model.Example) []model.Example {
	out := examples
	copied := false
	for i, e := range examples {
		w := m.Weights[e.Kind]
		if w == 0 || w == 1 {
			continue
		}
		if !copied {
			out, copied = slices.Clone(examples), true
		}
		if e.Weight == 0 {
			e.Weight = 1
		}
		out[i].Weight = e.Weight * w
	}
	return out
}

// Ablation names a change to a mix for ablation studies.
type Ablation string

// Ablations.
const (
	CPTOnly  Ablation = "cpt-only"  // only CPT text (passages and augmentation): no instruction examples, no replay
	CITOnly  Ablation = "cit-only"  // only instruction examples: no CPT or augmentation, no replay text
	NoReplay Ablation = "no-replay" // no replay text (review examples kept)
	Full     Ablation = ""          // the mix unchanged
)

// Ablate returns m transformed by a. Unknown names are an error.
func (m Mix) Ablate(a Ablation) (Mix, error) {
	m = m.orDefault()
	switch a {
	case Full:
	case CPTOnly:
		m.Normative, m.Extractive, m.Review, m.General, m.Replay = 0, 0, 0, 0, 0
	case CITOnly:
		m.CPT, m.Augment, m.Replay = 0, 0, 0
	case NoReplay:
		m.Replay = 0
	default:
		return m, fmt.Errorf("unknown ablation %q (want cpt-only, cit-only or no-replay)", a)
	}
	return m, nil
}
