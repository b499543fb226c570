package loop

import (
	"maps"

	"github.com/cemlab/cem/model"
)

// Usage is model.Usage (what the openai backend counts) under the name
// the loop's manifests and metrics have used; it is not a copy.
type Usage = model.Usage

// Meter reports the cumulative usage of the metered backends the stages
// use, by label (such as "model/exam" or "helper/extract"). Run takes a
// reading before and after every stage it runs; the difference is stored
// in the stage's manifest and summed into the round's metrics.
type Meter interface {
	Usage() map[string]model.Usage
}

// Fingerprinter is implemented by a Planner or Builder whose output
// depends on settings beyond the config sections Run hashes for it (a
// helper model, prompt templates). A non-empty fingerprint joins the
// stage's input hash, so changing those settings redoes the stage.
type Fingerprinter interface {
	Fingerprint() string
}

// fingerprint returns v's fingerprint, "" when it has none.
func fingerprint(v any) string {
	if f, ok := v.(Fingerprinter); ok {
		return f.Fingerprint()
	}
	return ""
}

// withFingerprint appends fp to hash inputs when it is set, so stages
// without one keep the input hashes of earlier versions.
func withFingerprint(fp string, vs ...any) []any {
	if fp != "" {
		vs = append(vs, fp)
	}
	return vs
}

// reading returns the meter's reading, nil without a meter.
func (s *stepper) reading() map[string]model.Usage {
	if s.meter == nil {
		return nil
	}
	return maps.Clone(s.meter.Usage())
}

// usageSince returns the non-zero differences between the meter's
// reading now and before.
func (s *stepper) usageSince(before map[string]model.Usage) map[string]model.Usage {
	if s.meter == nil {
		return nil
	}
	var out map[string]model.Usage
	for k, u := range s.meter.Usage() {
		d := u.Sub(before[k])
		if d == (model.Usage{}) {
			continue
		}
		if out == nil {
			out = map[string]model.Usage{}
		}
		out[k] = d
	}
	return out
}

// addUsage adds a stage's usage to round r's.
func (s *stepper) addUsage(r int, u map[string]model.Usage) {
	if len(u) == 0 {
		return
	}
	if s.usage == nil {
		s.usage = map[int]map[string]model.Usage{}
	}
	if s.usage[r] == nil {
		s.usage[r] = map[string]model.Usage{}
	}
	for k, v := range u {
		s.usage[r][k] = s.usage[r][k].Add(v)
	}
}
