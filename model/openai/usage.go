package openai

import (
	"context"
	"maps"
	"strings"
	"sync"
)

// Usage counts requests, tokens and estimated cost. Tokens and cost count
// only requests the server answered; cache hits are free.
type Usage struct {
	Requests         int     `json:"requests"`   // calls, including cache hits and failures
	CacheHits        int     `json:"cache_hits"` // calls answered from the disk cache
	Failures         int     `json:"failures"`   // calls that failed after all retries
	Retries          int     `json:"retries"`    // extra attempts
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	Cost             float64 `json:"cost"` // from Config.Price
}

// Add returns u plus v.
func (u Usage) Add(v Usage) Usage {
	return Usage{
		Requests: u.Requests + v.Requests, CacheHits: u.CacheHits + v.CacheHits,
		Failures: u.Failures + v.Failures, Retries: u.Retries + v.Retries,
		PromptTokens: u.PromptTokens + v.PromptTokens, CompletionTokens: u.CompletionTokens + v.CompletionTokens,
		Cost: u.Cost + v.Cost,
	}
}

type siteKey struct{}

// WithSite labels the requests made under ctx with a call site (such as
// "exam", "mistake.points" or "round-2/heldout") for Model.Usage. Requests
// without a label count under "".
func WithSite(ctx context.Context, site string) context.Context {
	return context.WithValue(ctx, siteKey{}, strings.TrimSpace(site))
}

func siteOf(ctx context.Context) string {
	s, _ := ctx.Value(siteKey{}).(string)
	return s
}

type usageBook struct {
	mu    sync.Mutex
	sites map[string]Usage
}

func (b *usageBook) add(site string, u Usage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sites == nil {
		b.sites = map[string]Usage{}
	}
	b.sites[site] = b.sites[site].Add(u)
}

// Usage returns a snapshot of the counters per call site (see WithSite).
func (m *Model) Usage() map[string]Usage {
	m.usage.mu.Lock()
	defer m.usage.mu.Unlock()
	return maps.Clone(m.usage.sites)
}

// TotalUsage returns the counters summed over all call sites.
func (m *Model) TotalUsage() Usage {
	var t Usage
	for _, u := range m.Usage() {
		t = t.Add(u)
	}
	return t
}
