package openai

import (
	"context"
	"maps"
	"strings"
	"sync"

	"github.com/cemlab/cem/model"
)

// Usage counts requests, tokens and estimated cost (cost from
// Config.Price); see model.Usage.
type Usage = model.Usage

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
