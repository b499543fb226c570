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
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cemlab/cem/internal/atomicfile"
)

// UserAgentProduct starts the User-Agent of every request.
const UserAgentProduct = "cem/0.1 (https://github.com/cemlab/cem"

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

// Stats counts what a Client did.
type Stats struct {
	Requests  int64 // HTTP requests sent (retries included)
	Retries   int64 // requests repeated after a retryable failure
	CacheHits int64 // requests answered from the cache
}

// Client talks to one wiki.
type Client struct {
	cfg       Config
	userAgent string

	requests, retries, hits atomic.Int64

	mu   sync.Mutex // guards next
	next time.Time  // earliest start of the next network request

	// hooks, replaced by tests
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

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
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if cfg.License == "" {
		cfg.License = DefaultLicense
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.MaxLag == 0 {
		cfg.MaxLag = DefaultMaxLag
	}
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.Pages <= 0 {
		cfg.Pages = DefaultPages
	}
	if cfg.SearchLimit <= 0 {
		cfg.SearchLimit = DefaultSearchLimit
	}
	if cfg.TitleSearch == nil {
		t := true
		cfg.TitleSearch = &t
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{cfg: cfg, userAgent: UserAgentProduct + "; " + strings.TrimSpace(cfg.Contact) + ")",
		now: time.Now, sleep: sleepCtx}, nil
}

// Name returns the source name.
func (c *Client) Name() string { return c.cfg.Name }

// Config returns the settings in effect (defaults filled in).
func (c *Client) Config() Config { return c.cfg }

// Stats returns the counts so far.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load(), CacheHits: c.hits.Load()}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

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
	path := c.cachePath(full)
	if path != "" {
		if body, err := os.ReadFile(path); err == nil {
			if err := decode(body, out); err == nil {
				c.hits.Add(1)
				return nil
			}
		}
	}
	body, err := c.fetch(ctx, full)
	if err != nil {
		return err
	}
	if err := decode(body, out); err != nil {
		return fmt.Errorf("%w (request %s)", err, full)
	}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("mediawiki: cache: %w", err)
		}
		if err := atomicfile.WriteBytes(path, body, 0o644); err != nil {
			return fmt.Errorf("mediawiki: cache: %w", err)
		}
	}
	return nil
}

// cachePath is the cache file of a request URL, or "" without a cache.
func (c *Client) cachePath(full string) string {
	if c.cfg.CacheDir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(full))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(c.cfg.CacheDir, h[:2], h+".json")
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

// retryable is a failure worth another try, with the wait the server
// asked for (0 when it did not say).
type retryable struct {
	err   error
	after time.Duration
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// fetch sends GET full, retrying with backoff, and returns the body of
// the first answer that is neither a retryable HTTP status nor a maxlag
// error.
func (c *Client) fetch(ctx context.Context, full string) ([]byte, error) {
	wait := c.cfg.Backoff
	for attempt := 0; ; attempt++ {
		body, err := c.once(ctx, full)
		var r *retryable
		if err == nil || !errors.As(err, &r) || attempt >= c.cfg.Retries {
			if err != nil && r != nil {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return body, err
		}
		d := wait
		if r.after > 0 {
			d = r.after
		}
		d = min(d, c.cfg.MaxBackoff)
		wait = min(2*wait, c.cfg.MaxBackoff)
		c.retries.Add(1)
		if err := c.sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

// once sends one rate-limited request.
func (c *Client) once(ctx context.Context, full string) ([]byte, error) {
	if err := c.wait(ctx); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, full, nil)
	if err != nil {
		return nil, fmt.Errorf("mediawiki: %w", err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	c.requests.Add(1)
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &retryable{err: fmt.Errorf("mediawiki: %w", err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, &retryable{err: fmt.Errorf("mediawiki: reading the answer: %w", err)}
	}
	if len(body) > maxBodyBytes {
		return nil, fmt.Errorf("mediawiki: answer larger than %d bytes", maxBodyBytes)
	}
	after := retryAfter(resp.Header.Get("Retry-After"))
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return nil, &retryable{err: fmt.Errorf("mediawiki: HTTP %s", resp.Status), after: after}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("mediawiki: HTTP %s", resp.Status)
	}
	var e struct {
		Error *APIError `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != nil && e.Error.Code == "maxlag" {
		return nil, &retryable{err: e.Error, after: after}
	}
	return body, nil
}

// retryAfter reads a Retry-After header given in seconds.
func retryAfter(h string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// wait blocks until the rate limit allows the next request.
func (c *Client) wait(ctx context.Context) error {
	interval := time.Duration(float64(time.Second) / c.cfg.Rate)
	c.mu.Lock()
	now := c.now()
	start := c.next
	if start.Before(now) {
		start = now
	}
	c.next = start.Add(interval)
	c.mu.Unlock()
	return c.sleep(ctx, start.Sub(now))
}
