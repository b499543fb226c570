package model

// Usage counts what a metered backend (an OpenAI-compatible server)
// served: requests, tokens and estimated cost. Tokens and cost count only
// requests the server answered; cache hits are free. It is what the
// openai backend counts and what a round's metrics record.
type Usage struct {
	Requests         int     `json:"requests"`             // calls, including cache hits and failures
	CacheHits        int     `json:"cache_hits,omitempty"` // calls answered from a cache
	Failures         int     `json:"failures,omitempty"`   // calls that failed after all retries
	Retries          int     `json:"retries,omitempty"`    // extra attempts
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	Cost             float64 `json:"cost"` // from the backend's price
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

// Sub returns u minus v.
func (u Usage) Sub(v Usage) Usage {
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
