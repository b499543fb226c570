package workers

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/mediawiki"
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
		cache := sc.Cache
		if cache == "" {
			dir, err := os.UserCacheDir()
			if err != nil {
				return nil, fmt.Errorf("cache: %w (set cache: to a folder)", err)
			}
			cache = filepath.Join(dir, "cem", "mediawiki")
		}
		return mediawiki.New(mediawiki.Config{Name: sc.Name, API: sc.API, Contact: sc.Contact, License: sc.License,
			CacheDir: cache, Rate: sc.Rate, MaxLag: sc.MaxLag, Pages: sc.Pages, TitleSearch: sc.TitleSearch})
	}
	return nil, fmt.Errorf("kind %q: %w", sc.Kind, ErrNotImplemented)
}
