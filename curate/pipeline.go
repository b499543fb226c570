package curate

import "github.com/cemlab/cem/exam"

// Config sets up the default pipeline. Its zero value works: n-gram 13,
// dedupe threshold 0.8 per item, one source required, the default licence
// allow-list. Human review is
// not a filter: package review applies reviewers' decisions to the
// pipeline's verdicts.
type Config struct {
	NGram           int      // decontamination n-gram length; default DefaultNGram
	DedupeThreshold float64  // default DefaultDedupeThreshold
	DedupeGlobal    bool     // compare across items, not only within one
	MinSources      int      // Agreement minimum; default 1
	Licenses        []string // nil means DefaultLicenses
	Seed            int64    // MinHash seed
	// MaxPerItem, when > 0, adds the PerItem filter last: at most this
	// many passages per item.
	MaxPerItem int
}

// NewPipeline returns the default pipeline, decontaminating against the
// items of every suite given (exam, heldout, ood, general):
//
//	license, decontaminate, support, pii, dedupe, agreement[, max-per-item]
//
// It also returns the Decontaminator so that the caller can check
// generated training examples against the same protected texts.
func NewPipeline(cfg Config, suites ...[]exam.Item) (Pipeline, *Decontaminator) {
	d := NewDecontaminator(cfg.NGram)
	for _, s := range suites {
		d.AddItems(s)
	}
	p := Pipeline{Filters: []Filter{
		Licenses{Allow: cfg.Licenses},
		d,
		Support{},
		Redactor{},
		Dedupe{Threshold: cfg.DedupeThreshold, Seed: cfg.Seed, Global: cfg.DedupeGlobal},
		Agreement{MinSources: cfg.MinSources},
	}}
	if cfg.MaxPerItem > 0 {
		p.Filters = append(p.Filters, PerItem{Max: cfg.MaxPerItem})
	}
	return p, d
}
