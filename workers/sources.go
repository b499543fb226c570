package workers

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/docs"
	"github.com/cemlab/cem/knowledge/mediawiki"
	"github.com/cemlab/cem/knowledge/web"
)

// OpenSources opens the knowledge sources of cfg: the index of
// sources.index, or every entry of sources.list merged by reciprocal-rank
// fusion (a *knowledge.Fused, each member with its own k and weight).
// Errors name the config key of the source at fault.
func OpenSources(cfg *config.Config) (knowledge.Source, error) {
	if len(cfg.Sources.List) == 0 {
		if cfg.Sources.Index == "" {
			return nil, fmt.Errorf("sources.index: no index; build one with `cem index build`")
		}
		ix, err := knowledge.Open(cfg.Sources.Index, knowledge.Options{})
		if err != nil {
			return nil, fmt.Errorf("sources.index: %w (build it with `cem index build`)", err)
		}
		return ix, nil
	}
	f := &knowledge.Fused{RRFK: cfg.Sources.RRFK}
	for i, sc := range cfg.Sources.List {
		key := fmt.Sprintf("sources.list[%d]", i)
		src, err := openSource(sc)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", key, sc.Name, err)
		}
		f.Members = append(f.Members, knowledge.Member{Source: src, K: *sc.K, Weight: sc.Weight})
	}
	return f, nil
}

func openSource(sc config.SourceConfig) (knowledge.Source, error) {
	switch sc.Kind {
	case config.SourceIndex:
		ix, err := knowledge.Open(sc.Path, knowledge.Options{})
		if err != nil {
			return nil, fmt.Errorf("%w (build it with `cem index build`)", err)
		}
		return ix, nil
	case config.SourceMediaWiki:
		cache, err := cacheDir(sc.Cache, "mediawiki")
		if err != nil {
			return nil, err
		}
		return mediawiki.New(mediawiki.Config{Name: sc.Name, API: sc.API, Contact: sc.Contact, License: sc.License,
			CacheDir: cache, Rate: sc.Rate, MaxLag: sc.MaxLag, Pages: sc.Pages, TitleSearch: sc.TitleSearch})
	case config.SourceWeb:
		return openWeb(sc)
	case config.SourceDocs:
		ix, err := knowledge.Open(sc.Index, knowledge.Options{Name: sc.Name})
		if err != nil {
			return nil, fmt.Errorf("index: %w (`cem run` builds it from dir before the first round)", err)
		}
		return ix, nil
	}
	return nil, fmt.Errorf("kind %q: %w", sc.Kind, ErrNotImplemented)
}

// cacheDir is dir, or the user cache folder's cem/<kind> when "".
func cacheDir(dir, kind string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache: %w (set cache: to a folder)", err)
	}
	return filepath.Join(base, "cem", kind), nil
}

// timeoutOf parses an entry's timeout key; 0 when it is not set.
func timeoutOf(sc config.SourceConfig) (time.Duration, error) {
	if sc.Timeout == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(sc.Timeout)
	if err != nil {
		return 0, fmt.Errorf("timeout: %w", err)
	}
	return d, nil
}

// openWeb opens a kind web entry.
func openWeb(sc config.SourceConfig) (knowledge.Source, error) {
	cache, err := cacheDir(sc.Cache, "web")
	if err != nil {
		return nil, err
	}
	p, err := web.NewProvider(sc.Provider, sc.URL, sc.APIKeyEnv)
	if err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	timeout, err := timeoutOf(sc)
	if err != nil {
		return nil, err
	}
	contact := sc.Contact
	if contact == "" {
		contact = sc.UserAgent
	}
	return web.New(web.Config{Name: sc.Name, Provider: p, Contact: contact, License: sc.License, Pages: sc.Pages,
		CacheDir: cache, SearchRate: sc.SearchRate, Fetch: web.FetchConfig{UserAgent: sc.UserAgent, AllowPrivate: sc.AllowPrivate,
			MaxBytes: sc.MaxBytes, Timeout: timeout, Rate: sc.Rate}})
}

// MissingSources returns a warning for every source the config asks for
// by name (sources.per_source with k > 0) that src does not hold, when
// src can list its sources: such a source is searched for nothing, and
// the run's evidence lacks it (the demo's index built without the
// Factbook, say). The warnings are for the run's output and report.
func MissingSources(cfg *config.Config, src knowledge.Source) []string {
	have := knowledge.SourcesOf(src)
	if have == nil || cfg == nil {
		return nil
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(cfg.Sources.PerSource)) {
		if cfg.Sources.PerSource[name] > 0 && !slices.Contains(have, name) {
			out = append(out, fmt.Sprintf("sources.per_source names %q, which the sources (%s) do not hold: it is searched for nothing and the run's evidence lacks it; "+
				"rebuild the index with it (for the Factbook: `cem data fetch`, then `cem index build`)", name, strings.Join(have, ", ")))
		}
	}
	return out
}

// BuildDocs brings the index of every docs entry of sources.list up to
// date, in list order (see docs.BuildIndex: only changed files are read,
// an unchanged folder reads none), and returns their build reports.
// Errors name the entry's key.
func BuildDocs(ctx context.Context, cfg *config.Config) ([]*docs.Report, error) {
	var reports []*docs.Report
	for i, sc := range cfg.Sources.List {
		if sc.Kind != config.SourceDocs {
			continue
		}
		timeout, err := timeoutOf(sc)
		if err != nil {
			return nil, fmt.Errorf("sources.list[%d] (%s): %w", i, sc.Name, err)
		}
		r, err := docs.BuildIndex(ctx, docs.Config{Dir: sc.Dir, Source: sc.Name, License: sc.License, Licenses: sc.Licenses,
			MaxBytes: sc.MaxBytes, PDFTimeout: timeout}, sc.Index, knowledge.Options{Name: sc.Name})
		if err != nil {
			return nil, fmt.Errorf("sources.list[%d] (%s): %w", i, sc.Name, err)
		}
		reports = append(reports, r)
	}
	return reports, nil
}
