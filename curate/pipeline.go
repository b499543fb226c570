package curate

import "github.com/cemlab/cem/exam"

// Config sets up the default pipeline. Its zero value works: n-gram 13,
// dedupe threshold 0.8 per item, one source required (two when two or
// more sources are configured), the default licence allow-list. Human
// review is not a filter: package review applies reviewers' decisions to
// the pipeline's verdicts.
type Config struct {
	NGram           int     // decontamination n-gram length; default DefaultNGram
	DedupeThreshold float64 // default DefaultDedupeThreshold
	DedupeGlobal    bool    // compare across items, not only within one
	// MinSources is the Agreement minimum; 0 means the default: 2 when
	// Sources >= 2, else 1.
	MinSources int
	// Sources is the number of independent sources configured (the
	// distinct Passage.Source names retrieval can return); it sets the
	// default of MinSources.
	Sources  int
	Licenses []string // nil means DefaultLicenses
	Seed     int64    // MinHash seed
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
		Agreement{MinSources: cfg.minSources()},
	}}
	if cfg.MaxPerItem > 0 {
		p.Filters = append(p.Filters, PerItem{Max: cfg.MaxPerItem})
	}
	return p, d
}

// minSources is MinSources with its default applied.
func (cfg Config) minSources() int {
	switch {
	case cfg.MinSources > 0:
		return cfg.MinSources
	case cfg.Sources >= 2:
		return 2
	}
	return 1
}
