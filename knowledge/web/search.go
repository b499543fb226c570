package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Result is one answer of a search engine.
type Result struct {
	URL, Title, Snippet string
}

// Provider is a web search API: it says how to ask for the results of
// a query and how to read the answer. The HTTP itself (User-Agent, rate
// limit, retries, cache) is the Source's.
type Provider interface {
	// Name identifies the provider ("searxng", "brave").
	Name() string
	// Request returns the URL and headers of a search for q asking for
	// n results. The URL is the cache key, so a secret goes in a header.
	Request(q string, n int) (string, http.Header, error)
	// Parse reads an answer into results, best first.
	Parse(body []byte) ([]Result, error)
}

// Providers lists the provider names NewProvider knows.
func Providers() []string { return []string{"searxng", "brave"} }

// NewProvider returns the named provider for endpoint (the provider's
// public API when "" and it has one), reading an API key from the
// environment variable keyEnv where the provider needs one.
func NewProvider(name, endpoint, keyEnv string) (Provider, error) {
	switch name {
	case "searxng", "":
		if endpoint == "" {
			return nil, errors.New("searxng: needs the URL of the instance (its /search serves format=json)")
		}
		return &SearXNG{Endpoint: endpoint}, nil
	case "brave":
		if endpoint == "" {
			endpoint = BraveEndpoint
		}
		if keyEnv == "" {
			keyEnv = "BRAVE_API_KEY"
		}
		key := os.Getenv(keyEnv)
		if key == "" {
			return nil, fmt.Errorf("brave: the API key is read from $%s, which is empty", keyEnv)
		}
		return &Brave{Endpoint: endpoint, Key: key}, nil
	}
	return nil, fmt.Errorf("unknown provider %q (want %s)", name, strings.Join(Providers(), ", "))
}

// SearXNG is a SearXNG instance's JSON API: GET {Endpoint}/search?q=…
// &format=json, answered with {"results": [{"url", "title", "content"},
// …]}. The instance must list json under search.formats in its
// settings.yml. It is the self-hosted default.
type SearXNG struct {
	Endpoint string // the instance's base URL, e.g. http://127.0.0.1:8888
}

// Name is "searxng".
func (*SearXNG) Name() string { return "searxng" }

// Request asks for the first page of results (SearXNG has no count
// parameter; the results are cut to n when read).
func (s *SearXNG) Request(q string, _ int) (string, http.Header, error) {
	base := strings.TrimRight(s.Endpoint, "/")
	v := url.Values{"q": {q}, "format": {"json"}, "pageno": {"1"}}
	return base + "/search?" + v.Encode(), http.Header{"Accept": {"application/json"}}, nil
}

// Parse reads SearXNG's results.
func (*SearXNG) Parse(body []byte) ([]Result, error) {
	var r struct {
		Results *[]struct {
			URL     string `json:"url"`
			Title   string `json:"title"`
			Content string `json:"content"`
		} `json:"results"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("searxng: answer is not JSON: %w", err)
	}
	if r.Results == nil {
		return nil, errors.New("searxng: answer has no results list")
	}
	out := make([]Result, 0, len(*r.Results))
	for _, x := range *r.Results {
		out = append(out, Result{URL: x.URL, Title: x.Title, Snippet: x.Content})
	}
	return out, nil
}

// BraveEndpoint is the Brave Search web search API.
const BraveEndpoint = "https://api.search.brave.com/res/v1/web/search"

// Brave is the Brave Search API: GET {Endpoint}?q=…&count=n with the key
// in the X-Subscription-Token header, answered with {"web": {"results":
// [{"url", "title", "description"}, …]}} ("web" is absent when nothing
// was found).
type Brave struct {
	Endpoint, Key string
}

// Name is "brave".
func (*Brave) Name() string { return "brave" }

// Request asks for n results (the API allows 1 to 20).
func (b *Brave) Request(q string, n int) (string, http.Header, error) {
	v := url.Values{"q": {q}, "count": {strconv.Itoa(min(max(n, 1), 20))}}
	return b.Endpoint + "?" + v.Encode(), http.Header{"Accept": {"application/json"}, "X-Subscription-Token": {b.Key}}, nil
}

// Parse reads Brave's web results.
func (*Brave) Parse(body []byte) ([]Result, error) {
	var r struct {
		Type string `json:"type"`
		Web  *struct {
			Results []struct {
				URL         string `json:"url"`
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"results"`
		} `json:"web"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("brave: answer is not JSON: %w", err)
	}
	if r.Type != "search" {
		return nil, fmt.Errorf("brave: answer of type %q, want \"search\"", r.Type)
	}
	if r.Web == nil {
		return nil, nil
	}
	out := make([]Result, 0, len(r.Web.Results))
	for _, x := range r.Web.Results {
		out = append(out, Result{URL: x.URL, Title: x.Title, Snippet: x.Description})
	}
	return out, nil
}
