// Package web is a knowledge source over web search: a search API (a
// SearXNG instance by default, or a hosted API such as Brave Search)
// finds pages; the Fetcher fetches them, treating the web as hostile
// (robots.txt, time and size bounds, a media-type allow-list, bounded
// redirects re-checked at every hop, no private or loopback addresses
// unless allowed, checked at dial time); readability extracts each
// page's main text, cut at headings and into paragraph windows; and the
// passages are ranked by BM25. Each passage carries the page's URL,
// title, fetch time and stated licence. Search answers, pages, refusals
// and robots.txt files are cached on disk, so a rerun is offline.
//
// Personal data in the text is redacted by curation (curate.Redactor),
// which every passage of every source goes through.
package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cemlab/cem/internal/polite"
	"github.com/cemlab/cem/knowledge"
)

// Defaults of Config.
const (
	DefaultName          = "web"
	DefaultPages         = 5
	DefaultSearchTimeout = 20 * time.Second
	DefaultSearchRate    = 1.0
)

// Config describes a web source. Provider and Contact are required.
type Config struct {
	// Name is the source name in provenance; default "web".
	Name string
	// Provider is the search API.
	Provider Provider
	// Contact (an e-mail address or URL) goes into the User-Agent.
	Contact string
	// License is given to the passages of a page that states no licence
	// ("" leaves them without one, and curation's licence filter then
	// rejects them as unknown).
	License string
	// Pages is the number of result pages fetched per search; default 5.
	Pages int
	// CacheDir holds the cached answers and pages; "" disables the cache.
	CacheDir string
	// SearchTimeout bounds one search request; default 20 s.
	SearchTimeout time.Duration
	// SearchRate caps search requests per second; default 1.
	SearchRate float64
	// Fetch sets up the page fetcher (UserAgent and CacheDir are filled
	// in from Contact and CacheDir when empty).
	Fetch FetchConfig
}

// Source searches the web. It is safe for concurrent use.
type Source struct {
	cfg     Config
	search  *polite.Client
	fetcher *Fetcher

	mu      sync.Mutex
	skipped []Refusal
}

var _ knowledge.Source = (*Source)(nil)

// New checks cfg, fills in the defaults and returns a source.
func New(cfg Config) (*Source, error) {
	if cfg.Provider == nil {
		return nil, errors.New("web: no search provider")
	}
	if strings.TrimSpace(cfg.Contact) == "" {
		return nil, errors.New("web: contact: needed for the User-Agent (an e-mail address or URL)")
	}
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if cfg.Pages <= 0 {
		cfg.Pages = DefaultPages
	}
	if cfg.SearchTimeout <= 0 {
		cfg.SearchTimeout = DefaultSearchTimeout
	}
	if cfg.SearchRate <= 0 {
		cfg.SearchRate = DefaultSearchRate
	}
	ua := polite.UserAgent(cfg.Contact)
	if cfg.Fetch.UserAgent == "" {
		cfg.Fetch.UserAgent = ua
	}
	if cfg.Fetch.CacheDir == "" {
		cfg.Fetch.CacheDir = cfg.CacheDir
	}
	search := polite.New(polite.Config{UserAgent: ua, Rate: cfg.SearchRate, Retries: 2, Backoff: time.Second,
		MaxBackoff: 10 * time.Second, MaxBytes: 8 << 20, CacheDir: cfg.CacheDir,
		HTTP: &http.Client{Timeout: cfg.SearchTimeout}})
	return &Source{cfg: cfg, search: search, fetcher: NewFetcher(cfg.Fetch)}, nil
}

// Name returns the source name.
func (s *Source) Name() string { return s.cfg.Name }

// Skipped lists the pages not used so far, with the reason.
func (s *Source) Skipped() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.skipped)
}

// Stats sums the requests, retries and cache hits of the search API and
// of the page fetcher.
func (s *Source) Stats() polite.Stats {
	a, b := s.search.Stats(), s.fetcher.Stats()
	return polite.Stats{Requests: a.Requests + b.Requests, Retries: a.Retries + b.Retries, CacheHits: a.CacheHits + b.CacheHits}
}

// Results asks the provider for up to n results of q (cached by
// request).
func (s *Source) Results(ctx context.Context, q string, n int) ([]Result, error) {
	name := s.cfg.Provider.Name()
	u, hdr, err := s.cfg.Provider.Request(q, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	key := "search " + u
	var res []Result
	if _, ok := s.search.Cached(key, ".json", func(b []byte) bool {
		res, err = s.cfg.Provider.Parse(b)
		return err == nil
	}); ok {
		return res[:min(n, len(res))], nil
	}
	resp, err := s.search.Get(ctx, polite.Request{URL: u, Header: hdr})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if resp.Status != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d %s", name, resp.Status, http.StatusText(resp.Status))
	}
	if res, err = s.cfg.Provider.Parse(resp.Body); err != nil {
		return nil, err
	}
	if err := s.search.Store(key, ".json", resp.Body); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return res[:min(n, len(res))], nil
}

// Search asks the provider for q.Text, fetches the first Pages result
// pages, extracts their passages and returns the k best by BM25, each
// score multiplied by 1 + 1/(result rank) so that the engine's order
// breaks near ties. A page refused (see Reason) is recorded in Skipped
// and left out; Search fails only when the search itself fails.
func (s *Source) Search(ctx context.Context, q knowledge.Query, k int) ([]knowledge.Hit, error) {
	if k <= 0 || strings.TrimSpace(q.Text) == "" || (len(q.Sources) > 0 && !slices.Contains(q.Sources, s.cfg.Name)) {
		return nil, nil
	}
	results, err := s.Results(ctx, q.Text, s.cfg.Pages)
	if err != nil {
		return nil, fmt.Errorf("web: search %q: %w", q.Text, err)
	}
	var passages []knowledge.Passage
	rank := map[string]int{}
	seen := map[string]bool{}
	for i, r := range results {
		if seen[r.URL] {
			continue
		}
		seen[r.URL] = true
		ps, err := s.Page(ctx, r.URL)
		if err != nil {
			var ref *Refusal
			if !errors.As(err, &ref) {
				return nil, err
			}
			s.mu.Lock()
			s.skipped = append(s.skipped, *ref)
			s.mu.Unlock()
			continue
		}
		for _, p := range ps {
			if _, dup := rank[p.ID]; !dup {
				rank[p.ID] = i + 1
				passages = append(passages, p)
			}
		}
	}
	hits, err := knowledge.Rank(ctx, s.cfg.Name, passages, q.Text, func(p knowledge.Passage) float64 {
		return 1 / float64(rank[p.ID])
	}, k)
	if err != nil {
		return nil, fmt.Errorf("web: ranking: %w", err)
	}
	return hits, nil
}

// Page fetches one page and returns its passages; a *Refusal says why
// the page gave none.
func (s *Source) Page(ctx context.Context, raw string) ([]knowledge.Passage, error) {
	p, err := s.fetcher.Fetch(ctx, raw)
	if err != nil {
		return nil, err
	}
	ex, err := Extract(p, s.cfg.Name, s.cfg.License)
	if err != nil {
		return nil, err
	}
	return ex.Passages, nil
}
