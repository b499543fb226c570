package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Source kinds of sources.list.
const (
	SourceIndex     = "index"     // a BM25 index folder built by `cem index build`
	SourceMediaWiki = "mediawiki" // a MediaWiki's Action API (Wikipedia or a team's wiki)
	SourceWeb       = "web"       // a web search API, result pages fetched and extracted
	SourceDocs      = "docs"      // a folder of a team's documents, indexed by `cem run` itself
)

// SourceKinds lists the valid kinds of sources.list entries.
func SourceKinds() []string { return []string{SourceIndex, SourceMediaWiki, SourceWeb, SourceDocs} }

// SourceConfig is one entry of sources.list: a source searched for its own
// K passages per query, its ranks weighted by Weight when the sources'
// hits are merged by reciprocal-rank fusion (see knowledge.Fused).
type SourceConfig struct {
	// Kind is index, mediawiki, web or docs.
	Kind string `yaml:"kind"`
	// Name labels the source; default the kind. Names are unique; a
	// mediawiki source's passages carry it as their source.
	Name string `yaml:"name"`
	// K is the number of passages asked of this source per query;
	// default 4, 0 means not searched.
	K *int `yaml:"k"`
	// Weight multiplies the source's reciprocal-rank scores; default 1.
	Weight float64 `yaml:"weight"`

	// Path is the index folder (kind index; relative to the config file).
	Path string `yaml:"path"`

	// API is the wiki's api.php URL (kind mediawiki).
	API string `yaml:"api"`
	// Contact (an e-mail address or URL) is sent in the User-Agent.
	Contact string `yaml:"contact"`
	// License is the wiki's text licence; default CC-BY-SA-4.0. For a
	// docs source, the licence of files no licenses prefix matches.
	License string `yaml:"license"`
	// Cache is the folder of cached answers (relative to the config
	// file); default the user cache folder's cem/mediawiki.
	Cache string `yaml:"cache"`
	// Rate caps requests per second; default 5.
	Rate float64 `yaml:"rate"`
	// MaxLag is the maxlag parameter in seconds; default 5.
	MaxLag int `yaml:"maxlag"`
	// Pages is the number of pages fetched per query; default 5.
	Pages int `yaml:"pages"`
	// TitleSearch adds a title search per query term; default true (set
	// false for Wikipedia, whose search refuses title searches).
	TitleSearch *bool `yaml:"title_search"`

	// Kind web (Pages, Contact, License and Cache above apply too;
	// License is given to pages that state no licence).
	// Provider is the search API: searxng (default) or brave.
	Provider string `yaml:"provider"`
	// URL is the search endpoint: the SearXNG instance's base URL
	// (required for searxng), or the hosted API's URL (default its own).
	URL string `yaml:"url"`
	// APIKeyEnv names the environment variable holding the API key of a
	// hosted provider (brave: default BRAVE_API_KEY).
	APIKeyEnv string `yaml:"api_key_env"`
	// AllowPrivate lets the fetcher reach private, loopback and
	// link-local addresses (tests, an intranet); default false.
	AllowPrivate bool `yaml:"allow_private"`
	// MaxBytes caps a page body (default 2 MiB), or a document's file
	// (kind docs; default 64 MiB).
	MaxBytes int64 `yaml:"max_bytes"`
	// Timeout bounds one page fetch, e.g. "10s"; default 10s. Kind docs:
	// it bounds pdftotext on one PDF; default 30s.
	Timeout string `yaml:"timeout"`
	// UserAgent replaces cem's User-Agent (which names contact).
	UserAgent string `yaml:"user_agent"`
	// SearchRate caps search API requests per second; default 1 (a
	// hosted API's plan may allow more; rate caps the page fetches).
	SearchRate float64 `yaml:"search_rate"`

	// Kind docs (License, MaxBytes and Timeout above apply too).
	// Dir is the folder of documents (HTML, PDF, DOCX, Markdown, text),
	// read recursively; relative to the config file.
	Dir string `yaml:"dir"`
	// Index is the BM25 index file the source keeps (relative to the
	// config file); `cem run` builds it, or brings it up to date by
	// reading only changed files, before the first round. Its manifest and
	// build report are written next to it (<index>.docs.json,
	// <index>.docs-report.json).
	Index string `yaml:"index"`
	// Licenses maps sub-folders of Dir (a path prefix such as
	// "public/handbook") to their files' licence; the longest matching
	// prefix wins, License is the default.
	Licenses map[string]string `yaml:"licenses"`
}

// validateDocsSource checks the keys of a kind docs entry.
func validateDocsSource(s SourceConfig, bad func(key, format string, args ...any) error) error {
	if s.Dir == "" {
		return bad("dir", "missing: the folder of documents to index")
	}
	if s.Index == "" {
		return bad("index", "missing: the index file the source keeps (built and updated by `cem run`), e.g. docs.idx")
	}
	for prefix, lic := range s.Licenses {
		if strings.TrimSpace(lic) == "" {
			return bad("licenses", "sub-folder %q has an empty licence", prefix)
		}
	}
	if err := validateLimits(s, "30s", bad); err != nil {
		return err
	}
	for _, f := range [][2]string{{"path", s.Path}, {"api", s.API}, {"url", s.URL}, {"contact", s.Contact}, {"cache", s.Cache}} {
		if f[1] != "" {
			return bad(f[0], "a docs source has no %s (it reads dir into index)", f[0])
		}
	}
	return nil
}

// validateLimits checks the max_bytes and timeout keys that web and docs
// entries share; example is the duration the error suggests.
func validateLimits(s SourceConfig, example string, bad func(key, format string, args ...any) error) error {
	if s.MaxBytes < 0 {
		return bad("max_bytes", "must be >= 0, got %d", s.MaxBytes)
	}
	if s.Timeout != "" {
		if d, err := time.ParseDuration(s.Timeout); err != nil || d <= 0 {
			return bad("timeout", "want a positive duration such as %s, got %q", example, s.Timeout)
		}
	}
	return nil
}

// WebProviders lists the providers of a web source.
func WebProviders() []string { return []string{"searxng", "brave"} }

// isHTTP reports whether u starts as an http or https URL.
func isHTTP(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

// validateWebSource checks the keys of a kind web entry; bad builds the
// error of one of its keys.
func validateWebSource(s SourceConfig, bad func(key, format string, args ...any) error) error {
	if s.Provider != "" && !slices.Contains(WebProviders(), s.Provider) {
		return bad("provider", "unknown provider %q (want %s)", s.Provider, strings.Join(WebProviders(), ", "))
	}
	if (s.Provider == "" || s.Provider == "searxng") && s.URL == "" {
		return bad("url", "missing: the SearXNG instance's base URL (its /search must allow format=json)")
	}
	if s.URL != "" && !isHTTP(s.URL) {
		return bad("url", "want an http(s) URL, got %q", s.URL)
	}
	if strings.TrimSpace(s.Contact) == "" && s.UserAgent == "" {
		return bad("contact", "missing: an e-mail address or URL for the User-Agent, so that sites can reach the operator")
	}
	if err := validateLimits(s, "10s", bad); err != nil {
		return err
	}
	if s.SearchRate < 0 {
		return bad("search_rate", "must be >= 0 requests per second, got %g", s.SearchRate)
	}
	if s.Pages < 0 || s.Rate < 0 {
		return bad("pages", "pages and rate must be >= 0")
	}
	for _, f := range [][2]string{{"path", s.Path}, {"api", s.API}} {
		if f[1] != "" {
			return bad(f[0], "a web source has no %s (the search endpoint is url)", f[0])
		}
	}
	return nil
}

// applySourceListDefaults fills the defaults of sources.list; sources.k
// defaults to the sum of the entries' k when the list is set.
func (c *Config) applySourceListDefaults() {
	total := 0
	for i := range c.Sources.List {
		s := &c.Sources.List[i]
		if s.Name == "" {
			s.Name = s.Kind
		}
		if s.K == nil {
			s.K = ptr(4)
		}
		if s.Weight == 0 {
			s.Weight = 1
		}
		if s.Kind == SourceMediaWiki && s.License == "" {
			s.License = "CC-BY-SA-4.0"
		}
		total += max(*s.K, 0)
	}
	if len(c.Sources.List) > 0 && c.Sources.K == 0 {
		c.Sources.K = total
	}
	if c.Sources.RRFK == 0 {
		c.Sources.RRFK = 60
	}
}

// validateSourceList checks sources.list and sources.rrf_k.
func (c *Config) validateSourceList() error {
	if c.Sources.RRFK < 0 {
		return &FieldError{Key: "sources.rrf_k", Msg: fmt.Sprintf("must be > 0, got %g", c.Sources.RRFK)}
	}
	if len(c.Sources.List) > 0 && c.Sources.Index != "" {
		return &FieldError{Key: "sources.index", Msg: "set together with sources.list; give the index as a list entry with kind: index"}
	}
	names := map[string]bool{}
	for i, s := range c.Sources.List {
		bad := func(key, format string, args ...any) error {
			return &FieldError{Key: fmt.Sprintf("sources.list[%d].%s", i, key), Msg: fmt.Sprintf(format, args...)}
		}
		if !slices.Contains(SourceKinds(), s.Kind) {
			return bad("kind", "unknown kind %q (want %s)", s.Kind, strings.Join(SourceKinds(), ", "))
		}
		if names[s.Name] {
			return bad("name", "duplicate source name %q", s.Name)
		}
		names[s.Name] = true
		if *s.K < 0 {
			return bad("k", "must be >= 0, got %d", *s.K)
		}
		if s.Weight < 0 {
			return bad("weight", "must be > 0, got %g", s.Weight)
		}
		switch s.Kind {
		case SourceIndex:
			if s.Path == "" {
				return bad("path", "an index source needs the index folder (built by `cem index build`)")
			}
			for _, f := range [][2]string{{"api", s.API}, {"contact", s.Contact}, {"cache", s.Cache}} {
				if f[1] != "" {
					return bad(f[0], "only a mediawiki source has %s", f[0])
				}
			}
		case SourceMediaWiki:
			if !isHTTP(s.API) {
				return bad("api", "want the http(s) URL of the wiki's api.php, got %q", s.API)
			}
			if strings.TrimSpace(s.Contact) == "" {
				return bad("contact", "missing: an e-mail address or URL for the User-Agent, as wikis ask of API clients")
			}
			if s.Path != "" {
				return bad("path", "only an index source has a path")
			}
			if s.Rate < 0 || s.MaxLag < 0 || s.Pages < 0 {
				return bad("rate", "rate, maxlag and pages must be >= 0")
			}
		case SourceWeb:
			if err := validateWebSource(s, bad); err != nil {
				return err
			}
		case SourceDocs:
			if err := validateDocsSource(s, bad); err != nil {
				return err
			}
		}
	}
	return nil
}
