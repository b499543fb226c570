// Package mediawiki is a knowledge source over the MediaWiki Action API:
// Wikipedia, or any MediaWiki a team runs. A search runs a few query
// variants through list=search, fetches the best pages with action=parse,
// cleans their HTML into one passage per section and ranks those
// passages itself with knowledge's BM25, so that it does well both on
// Wikipedia (whose search ranks) and on a small wiki with the SQLite
// backend (whose search requires every word and does not rank).
//
// The client is polite: a User-Agent naming cem and the operator's
// contact, maxlag on every request, a request-rate limit, retries with
// exponential backoff on 5xx, 429 and maxlag, and an on-disk cache keyed
// by request, so a rerun makes no network request and gives the same
// passages.
package mediawiki

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cemlab/cem/internal/defaults"
	"github.com/cemlab/cem/internal/polite"
)

// UserAgentProduct starts the User-Agent of every request.
const UserAgentProduct = polite.UserAgentProduct

// Defaults of Config.
const (
	DefaultName        = "mediawiki"
	DefaultLicense     = "CC-BY-SA-4.0" // Wikipedia's text licence
	DefaultRate        = 5.0            // requests per second
	DefaultMaxLag      = 5              // seconds
	DefaultRetries     = 4
	DefaultBackoff     = time.Second
	DefaultMaxBackoff  = 30 * time.Second
	DefaultPages       = 5
	DefaultSearchLimit = 20
	DefaultTimeout     = 30 * time.Second
	maxBodyBytes       = 16 << 20
)

// Config describes one wiki. API and Contact are required.
type Config struct {
	// Name is the source name in provenance; default "mediawiki".
	Name string
	// API is the wiki's api.php URL, e.g. https://en.wikipedia.org/w/api.php.
	API string
	// Contact (an e-mail address or URL) goes into the User-Agent, as
	// Wikimedia's policy asks.
	Contact string
	// License is the SPDX name of the wiki's text licence; default
	// CC-BY-SA-4.0 (Wikipedia).
	License string
	// CacheDir holds one file per distinct request; "" disables the cache.
	CacheDir string
	// Rate caps network requests per second; default 5.
	Rate float64
	// MaxLag is sent as maxlag (seconds of replication lag at which the
	// wiki asks clients to wait); default 5, negative to omit it.
	MaxLag int
	// Retries after a 5xx, 429, maxlag or transport error; default 4,
	// negative for none. Backoff is the first wait (doubled each retry,
	// at most MaxBackoff; a Retry-After header is honoured up to
	// MaxBackoff); defaults 1s and 30s.
	Retries             int
	Backoff, MaxBackoff time.Duration
	// Pages is the number of pages fetched per search; default 5.
	Pages int
	// SearchLimit is srlimit of the full-query search; default 20.
	SearchLimit int
	// TitleSearch adds a srwhat=title search per query term (the SQLite
	// backend's way to find the page named by the question); nil means
	// true. Wikipedia's CirrusSearch refuses title searches; the refusal
	// is tolerated, but set false there to save the requests.
	TitleSearch *bool
	// HTTP is the client used; nil means one with a 30 s timeout.
	HTTP *http.Client
}

// Stats counts what a Client did: the polite client's counts.
type Stats = polite.Stats

// Client talks to one wiki.
type Client struct {
	cfg  Config
	http *polite.Client

	siteMu sync.Mutex // guards site
	site   siteInfo   // filled on first use
}

// New checks cfg, fills in the defaults and returns a client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.API)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mediawiki: api: want the http(s) URL of api.php, got %q", cfg.API)
	}
	if strings.TrimSpace(cfg.Contact) == "" {
		return nil, errors.New("mediawiki: contact: needed for the User-Agent (an e-mail address or URL)")
	}
	cfg.Name = cmp.Or(cfg.Name, DefaultName)
	cfg.License = cmp.Or(cfg.License, DefaultLicense)
	cfg.Rate = defaults.Positive(cfg.Rate, DefaultRate)
	cfg.MaxLag = cmp.Or(cfg.MaxLag, DefaultMaxLag)
	cfg.Retries = cmp.Or(cfg.Retries, DefaultRetries)
	cfg.Backoff = defaults.Positive(cfg.Backoff, DefaultBackoff)
	cfg.MaxBackoff = defaults.Positive(cfg.MaxBackoff, DefaultMaxBackoff)
	cfg.Pages = defaults.Positive(cfg.Pages, DefaultPages)
	cfg.SearchLimit = defaults.Positive(cfg.SearchLimit, DefaultSearchLimit)
	if cfg.TitleSearch == nil {
		t := true
		cfg.TitleSearch = &t
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: DefaultTimeout}
	}
	hc := polite.New(polite.Config{UserAgent: polite.UserAgent(cfg.Contact),
		Rate: cfg.Rate, Retries: cfg.Retries, Backoff: cfg.Backoff, MaxBackoff: cfg.MaxBackoff,
		MaxBytes: maxBodyBytes, CacheDir: cfg.CacheDir, HTTP: cfg.HTTP})
	return &Client{cfg: cfg, http: hc}, nil
}

// Name returns the source name.
func (c *Client) Name() string { return c.cfg.Name }

// Config returns the settings in effect (defaults filled in).
func (c *Client) Config() Config { return c.cfg }

// Stats returns the counts so far.
func (c *Client) Stats() Stats { return c.http.Stats() }

// APIError is an error answer of the API ({"error": {"code": ...}}).
type APIError struct {
	Code, Info string
}

func (e *APIError) Error() string { return "mediawiki: api error " + e.Code + ": " + e.Info }

// get runs one API request with params (format, formatversion and maxlag
// are added) and decodes the answer into out. A cached answer is used
// when there is one; a successful answer is cached.
func (c *Client) get(ctx context.Context, params url.Values, out any) error {
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	q.Set("format", "json")
	q.Set("formatversion", "2")
	if c.cfg.MaxLag > 0 {
		q.Set("maxlag", strconv.Itoa(c.cfg.MaxLag))
	}
	full := c.cfg.API + "?" + q.Encode() // Encode sorts by key: a stable cache key
	if _, ok := c.http.Cached(full, ".json", func(b []byte) bool { return decode(b, out) == nil }); ok {
		return nil
	}
	resp, err := c.http.Get(ctx, polite.Request{URL: full, Header: http.Header{"Accept": {"application/json"}},
		Check: checkAnswer})
	if err != nil {
		var tl *polite.TooLargeError
		if errors.As(err, &tl) {
			return fmt.Errorf("mediawiki: answer larger than %d bytes", tl.Max)
		}
		return fmt.Errorf("mediawiki: %w", err)
	}
	if err := decode(resp.Body, out); err != nil {
		return fmt.Errorf("%w (request %s)", err, full)
	}
	if err := c.http.Store(full, ".json", resp.Body); err != nil {
		return fmt.Errorf("mediawiki: %w", err)
	}
	return nil
}

// checkAnswer refuses a status other than 200 and asks for a retry on a
// maxlag error.
func checkAnswer(r *polite.Response) error {
	if r.Status != http.StatusOK {
		return fmt.Errorf("HTTP %d %s", r.Status, http.StatusText(r.Status))
	}
	var e struct {
		Error *APIError `json:"error"`
	}
	if json.Unmarshal(r.Body, &e) == nil && e.Error != nil && e.Error.Code == "maxlag" {
		return &polite.Retryable{Err: e.Error}
	}
	return nil
}

// decode reads an API answer, turning {"error": ...} into *APIError.
func decode(body []byte, out any) error {
	var e struct {
		Error *APIError `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return fmt.Errorf("mediawiki: answer is not JSON: %w", err)
	}
	if e.Error != nil {
		return e.Error
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("mediawiki: answer: %w", err)
	}
	return nil
}
