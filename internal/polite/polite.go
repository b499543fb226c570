// Package polite is the HTTP client of cem's network knowledge sources
// (knowledge/mediawiki, knowledge/web): one User-Agent on every request,
// a request-rate limit, retries with exponential backoff on transport
// errors, 5xx and 429 (honouring Retry-After up to a cap), a cap on the
// body size, and an on-disk cache of answers keyed by request, so that a
// rerun makes no network request.
//
// The client does not follow redirects itself when its http.Client is
// told not to (CheckRedirect returning http.ErrUseLastResponse): a
// caller that must re-check every hop follows them.
package polite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cemlab/cem/internal/atomicfile"
)

// Config sets up a Client. Zero values mean: no rate limit, no retries,
// no body cap, no cache, http.DefaultClient.
type Config struct {
	// UserAgent is sent with every request.
	UserAgent string
	// Rate caps network requests per second; <= 0 means no limit.
	Rate float64
	// Retries after a retryable failure (transport error, 5xx, 429 or a
	// *Retryable from Request.Check); <= 0 means none.
	Retries int
	// Backoff is the first wait, doubled each retry up to MaxBackoff,
	// which also caps a Retry-After.
	Backoff, MaxBackoff time.Duration
	// MaxBytes caps a body; a longer one fails with *TooLargeError.
	MaxBytes int64
	// CacheDir holds one file per cached key; "" disables the cache.
	CacheDir string
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
	// NoRetry, when set, picks the transport and read errors that are
	// final (say, a refused address or a timeout) rather than retried.
	NoRetry func(error) bool
}

// Stats counts what a Client did.
type Stats struct {
	Requests  int64 // HTTP requests sent (retries included)
	Retries   int64 // requests repeated after a retryable failure
	CacheHits int64 // answers read from the cache
}

// Client sends polite requests. It is safe for concurrent use.
type Client struct {
	cfg Config

	requests, retries, hits atomic.Int64

	mu   sync.Mutex // guards next
	next time.Time  // earliest start of the next network request

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	return &Client{cfg: cfg, now: time.Now, sleep: Sleep}
}

// SetClock replaces the clock and the sleep of the rate limit and the
// backoff (for tests).
func (c *Client) SetClock(now func() time.Time, sleep func(ctx context.Context, d time.Duration) error) {
	c.now, c.sleep = now, sleep
}

// Stats returns the counts so far.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load(), CacheHits: c.hits.Load()}
}

// Sleep waits d or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
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

// Retryable is a failure worth another try, with the wait the server
// asked for (0 when it did not say).
type Retryable struct {
	Err   error
	After time.Duration
}

func (r *Retryable) Error() string { return r.Err.Error() }
func (r *Retryable) Unwrap() error { return r.Err }

// TooLargeError is a body longer than Config.MaxBytes.
type TooLargeError struct{ Max int64 }

func (e *TooLargeError) Error() string { return fmt.Sprintf("body larger than %d bytes", e.Max) }

// Request is one GET.
type Request struct {
	URL    string
	Header http.Header
	// Head, when set, sees the response before its body is read; an
	// error from it ends the request (a *Retryable asks for another try).
	Head func(*http.Response) error
	// Check, when set, sees the whole response; an error from it ends
	// the request (a *Retryable asks for another try).
	Check func(*Response) error
}

// Response is an answer with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Get sends req, rate-limited, retrying with backoff, and returns the
// first answer that is not retryable. 5xx and 429 answers are retried;
// other statuses are returned as they are, for the caller to judge.
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	wait := c.cfg.Backoff
	for attempt := 0; ; attempt++ {
		resp, err := c.once(ctx, req)
		var r *Retryable
		if err == nil || !errors.As(err, &r) || attempt >= c.cfg.Retries {
			if err != nil && r != nil {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return resp, err
		}
		d := wait
		if r.After > 0 {
			d = r.After
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
func (c *Client) once(ctx context.Context, r Request) (*Response, error) {
	if err := c.wait(ctx); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, err
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	c.requests.Add(1)
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	after := RetryAfter(resp.Header.Get("Retry-After"))
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return nil, &Retryable{Err: fmt.Errorf("HTTP %s", resp.Status), After: after}
	}
	if r.Head != nil {
		if err := r.Head(resp); err != nil {
			return nil, err
		}
	}
	var body []byte
	if c.cfg.MaxBytes > 0 {
		if resp.ContentLength > c.cfg.MaxBytes {
			return nil, &TooLargeError{Max: c.cfg.MaxBytes}
		}
		body, err = io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBytes+1))
		if err == nil && int64(len(body)) > c.cfg.MaxBytes {
			return nil, &TooLargeError{Max: c.cfg.MaxBytes}
		}
	} else {
		body, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		return nil, c.transportError(ctx, fmt.Errorf("reading the answer: %w", err))
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if r.Check != nil {
		if err := r.Check(out); err != nil {
			var rt *Retryable
			if errors.As(err, &rt) && rt.After == 0 {
				rt.After = after
			}
			return nil, err
		}
	}
	return out, nil
}

// transportError is err, retryable unless ctx is done or NoRetry says so.
func (c *Client) transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if c.cfg.NoRetry != nil && c.cfg.NoRetry(err) {
		return err
	}
	return &Retryable{Err: err}
}

// RetryAfter reads a Retry-After header given in seconds (0 otherwise).
func RetryAfter(h string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// wait blocks until the rate limit allows the next request.
func (c *Client) wait(ctx context.Context) error {
	if c.cfg.Rate <= 0 {
		return ctx.Err()
	}
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

// cachePath is the cache file of key, or "" without a cache.
func (c *Client) cachePath(key, ext string) string {
	if c.cfg.CacheDir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(c.cfg.CacheDir, h[:2], h+ext)
}

// Cached returns the cached answer of key (files named by its SHA-256
// with the extension ext), counting a hit; false when there is none.
// use judges the cached bytes: false means treat them as absent.
func (c *Client) Cached(key, ext string, use func([]byte) bool) ([]byte, bool) {
	path := c.cachePath(key, ext)
	if path == "" {
		return nil, false
	}
	body, err := os.ReadFile(path)
	if err != nil || (use != nil && !use(body)) {
		return nil, false
	}
	c.hits.Add(1)
	return body, true
}

// Store caches body under key (written to a temporary file and renamed,
// so a reader never sees half of it); a no-op without a cache.
func (c *Client) Store(key, ext string, body []byte) error {
	path := c.cachePath(key, ext)
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := atomicfile.WriteBytes(path, body, 0o644); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// UserAgentProduct starts the User-Agent of cem's requests.
const UserAgentProduct = "cem/0.1 (https://github.com/cemlab/cem"

// UserAgent is cem's User-Agent with the operator's contact (an e-mail
// address or URL), as Wikimedia's and most sites' policies ask.
func UserAgent(contact string) string {
	return UserAgentProduct + "; " + strings.TrimSpace(contact) + ")"
}
