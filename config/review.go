package config

import (
	"fmt"
	"math"
	"sort"
)

// ReviewConfig is curation.review: a person checks a sample of each
// source's kept passages every round before they are trained on.
//
//	curation:
//	  review:
//	    rate: 0.2            # share of each source's kept passages sampled per round
//	    size: 5              # or: this many per source and round (wins over rate)
//	    require: true        # stop the round after curation until the sample is decided
//	    max_reject_rate: 0.5 # a source whose sample is rejected above this loses all its evidence
//	    sources:             # per-source overrides of rate and size
//	      wiki: {size: 10}
//
// Without require, undecided sampled passages are kept (the review
// applies what has been decided so far).
type ReviewConfig struct {
	Rate    float64 `yaml:"rate"`
	Size    int     `yaml:"size"`
	Require bool    `yaml:"require"`
	// MaxRejectRate is in [0, 1]: a source whose decided sample has a
	// larger share of rejections loses all its evidence for the round;
	// 0 (unset) means no limit (see RejectLimit).
	MaxRejectRate float64 `yaml:"max_reject_rate"`
	// Sources override Rate and Size per source name.
	Sources map[string]ReviewSample `yaml:"sources,omitempty"`
}

// ReviewSample is the sample of one source: a rate or a size.
type ReviewSample struct {
	Rate float64 `yaml:"rate"`
	Size int     `yaml:"size"`
}

// SampleSize is how many of n kept passages of source are sampled: the
// source's own size or rate when set, else the section's; a positive rate
// samples at least one passage.
func (c *ReviewConfig) SampleSize(source string, n int) int {
	rate, size := c.Rate, c.Size
	if s, ok := c.Sources[source]; ok && (s.Rate > 0 || s.Size > 0) {
		rate, size = s.Rate, s.Size
	}
	k := size
	if size == 0 && rate > 0 {
		k = max(1, int(math.Ceil(rate*float64(n))))
	}
	return min(k, n)
}

// RejectLimit is the rejection rate of a source's decided sample above
// which the source loses its evidence for the round; 0 in the file means
// no limit (1).
func (c *ReviewConfig) RejectLimit() float64 {
	if c.MaxRejectRate <= 0 {
		return 1
	}
	return c.MaxRejectRate
}

// validateReview checks curation.review.
func (c *Config) validateReview() error {
	r := c.Curation.Review
	if r == nil {
		return nil
	}
	bad := func(key, format string, args ...any) error {
		return &FieldError{Key: "curation.review." + key, Msg: fmt.Sprintf(format, args...)}
	}
	check := func(prefix string, rate float64, size int) error {
		if rate < 0 || rate > 1 {
			return bad(prefix+"rate", "must be in [0, 1], got %g", rate)
		}
		if size < 0 {
			return bad(prefix+"size", "must be >= 0, got %d", size)
		}
		return nil
	}
	if err := check("", r.Rate, r.Size); err != nil {
		return err
	}
	if r.Rate == 0 && r.Size == 0 && len(r.Sources) == 0 {
		return bad("rate", "set rate or size (the share or number of passages sampled per source and round)")
	}
	if r.MaxRejectRate < 0 || r.MaxRejectRate > 1 {
		return bad("max_reject_rate", "must be in [0, 1], got %g", r.MaxRejectRate)
	}
	names := make([]string, 0, len(r.Sources))
	for n := range r.Sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := r.Sources[n]
		if err := check("sources."+n+".", s.Rate, s.Size); err != nil {
			return err
		}
	}
	return nil
}
