package loop

import "maps"

// Usage counts what a metered backend (an OpenAI-compatible server)
// served: requests, tokens and estimated cost.
type Usage struct {
	Requests         int     `json:"requests"`             // calls, including cache hits and failures
	CacheHits        int     `json:"cache_hits,omitempty"` // calls answered from a cache
	Failures         int     `json:"failures,omitempty"`   // calls that failed after all retries
	Retries          int     `json:"retries,omitempty"`    // extra attempts
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	Cost             float64 `json:"cost"`
	// TrainSeconds and GPUHours are what training jobs on a cluster used
	// (the slurm trainer): elapsed time, and elapsed hours times the GPUs
	// requested.
	TrainSeconds float64 `json:"train_seconds,omitempty"`
	GPUHours     float64 `json:"gpu_hours,omitempty"`
	// TrainedTokens are the billable tokens a fine-tuning API reports
	// for its jobs (the openai trainer's trained_tokens).
	TrainedTokens int64 `json:"trained_tokens,omitempty"`
}

// Add returns u plus v.
func (u Usage) Add(v Usage) Usage {
	return Usage{Requests: u.Requests + v.Requests, CacheHits: u.CacheHits + v.CacheHits,
		Failures: u.Failures + v.Failures, Retries: u.Retries + v.Retries,
		PromptTokens: u.PromptTokens + v.PromptTokens, CompletionTokens: u.CompletionTokens + v.CompletionTokens,
		Cost: u.Cost + v.Cost, TrainSeconds: u.TrainSeconds + v.TrainSeconds, GPUHours: u.GPUHours + v.GPUHours,
		TrainedTokens: u.TrainedTokens + v.TrainedTokens}
}

// sub returns u minus v.
func (u Usage) sub(v Usage) Usage {
	return u.Add(Usage{Requests: -v.Requests, CacheHits: -v.CacheHits, Failures: -v.Failures, Retries: -v.Retries,
		PromptTokens: -v.PromptTokens, CompletionTokens: -v.CompletionTokens, Cost: -v.Cost,
		TrainSeconds: -v.TrainSeconds, GPUHours: -v.GPUHours, TrainedTokens: -v.TrainedTokens})
}

// TotalUsage sums usage over its labels.
func TotalUsage(usage map[string]Usage) Usage {
	var t Usage
	for _, u := range usage {
		t = t.Add(u)
	}
	return t
}

// Meter reports the cumulative usage of the metered backends the stages
// use, by label (such as "model/exam" or "helper/extract"). Run takes a
// reading before and after every stage it runs; the difference is stored
// in the stage's manifest and summed into the round's metrics.
type Meter interface {
	Usage() map[string]Usage
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
func (s *stepper) reading() map[string]Usage {
	if s.meter == nil {
		return nil
	}
	return maps.Clone(s.meter.Usage())
}

// usageSince returns the non-zero differences between the meter's
// reading now and before.
func (s *stepper) usageSince(before map[string]Usage) map[string]Usage {
	if s.meter == nil {
		return nil
	}
	var out map[string]Usage
	for k, u := range s.meter.Usage() {
		d := u.sub(before[k])
		if d == (Usage{}) {
			continue
		}
		if out == nil {
			out = map[string]Usage{}
		}
		out[k] = d
	}
	return out
}

// addUsage adds a stage's usage to round r's.
func (s *stepper) addUsage(r int, u map[string]Usage) {
	if len(u) == 0 {
		return
	}
	if s.usage == nil {
		s.usage = map[int]map[string]Usage{}
	}
	if s.usage[r] == nil {
		s.usage[r] = map[string]Usage{}
	}
	for k, v := range u {
		s.usage[r][k] = s.usage[r][k].Add(v)
	}
}
