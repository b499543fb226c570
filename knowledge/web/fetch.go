package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/temoto/robotstxt"
	"golang.org/x/net/html/charset"

	"github.com/cemlab/cem/internal/polite"
)

// Reason names why a page was not used. Every refusal of the fetcher
// carries one; the source lists them (Source.Skipped).
type Reason string

// The reasons of a Refusal.
const (
	ReasonRobots      Reason = "robots"       // robots.txt disallows the URL for cem (or could not be read)
	ReasonTooLarge    Reason = "too-large"    // the body is over max_bytes
	ReasonContentType Reason = "content-type" // not text/html, application/xhtml+xml or text/plain
	ReasonRedirects   Reason = "redirects"    // more than max_redirects redirects
	ReasonPrivate     Reason = "private"      // a private, loopback or link-local address, refused
	ReasonTimeout     Reason = "timeout"      // no whole answer within timeout
	ReasonEncoding    Reason = "encoding"     // the text is garbled (invalid bytes, control characters)
	ReasonScheme      Reason = "scheme"       // not http or https
	ReasonStatus      Reason = "status"       // an HTTP status other than 200
	ReasonNetwork     Reason = "network"      // another transport failure
	ReasonNoText      Reason = "no-text"      // extraction found no main text
)

// permanent reasons are cached: a rerun gives the same refusal offline.
// Timeouts, network failures and 5xx are not.
func (r Reason) permanent() bool {
	return r != ReasonTimeout && r != ReasonNetwork && r != ReasonStatus
}

// Refusal is a page the fetcher would not (or could not) use.
type Refusal struct {
	URL    string `json:"url"`
	Reason Reason `json:"reason"`
	Detail string `json:"detail"`
}

func (r *Refusal) Error() string { return fmt.Sprintf("web: %s: %s: %s", r.URL, r.Reason, r.Detail) }

// Page is a fetched page: its text decoded to UTF-8.
type Page struct {
	URL         string    `json:"url"`       // as asked
	FinalURL    string    `json:"final_url"` // after redirects
	ContentType string    `json:"content_type"`
	Fetched     time.Time `json:"fetched"`
	Body        string    `json:"body"`
}

// Defaults of FetchConfig.
const (
	DefaultMaxBytes     = 2 << 20
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 5
	DefaultRate         = 2.0
	DefaultRetries      = 1
	// RobotsAgent is the product token matched against robots.txt
	// User-agent lines.
	RobotsAgent = "cem"
)

// AllowedTypes are the media types a page may have.
var AllowedTypes = []string{"text/html", "application/xhtml+xml", "text/plain"}

// FetchConfig sets up a Fetcher.
type FetchConfig struct {
	// UserAgent is sent with every request (robots.txt too).
	UserAgent string
	// AllowPrivate lets the fetcher connect to private, loopback and
	// link-local addresses (tests, an intranet); off by default.
	AllowPrivate bool
	// MaxBytes caps a page body; default 2 MiB.
	MaxBytes int64
	// Timeout bounds one request, body included; default 10 s.
	Timeout time.Duration
	// MaxRedirects bounds the redirects followed; default 5, negative
	// for none.
	MaxRedirects int
	// Rate caps requests per second; default 2. Retries after a 5xx,
	// 429 or connection failure; default 1, negative for none.
	Rate    float64
	Retries int
	// CacheDir caches pages, refusals and robots.txt; "" disables it.
	CacheDir string

	// allow are prefixes let through with AllowPrivate off (tests).
	allow []netip.Prefix
}

// Fetcher fetches pages from the web, which it treats as hostile: it
// honours robots.txt, bounds time, size and redirects (checking each
// hop), accepts only text media types, refuses non-public addresses at
// dial time, and decodes the body to UTF-8, refusing garbled text.
type Fetcher struct {
	cfg  FetchConfig
	http *polite.Client

	mu     sync.Mutex
	robots map[string]*robotstxt.RobotsData // by scheme://host
}

// NewFetcher fills in the defaults of cfg and returns a fetcher.
func NewFetcher(cfg FetchConfig) *Fetcher {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRedirects == 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	cfg.MaxRedirects = max(cfg.MaxRedirects, 0)
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	}
	g := guard{allowPrivate: cfg.AllowPrivate, allow: cfg.allow}
	dialer := &net.Dialer{Timeout: cfg.Timeout, Control: g.control}
	transport := &http.Transport{
		Proxy:                  nil, // a proxy would be dialled instead of the page's address
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	hc := &http.Client{Transport: transport, Timeout: cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Fetcher{cfg: cfg, robots: map[string]*robotstxt.RobotsData{},
		http: polite.New(polite.Config{UserAgent: cfg.UserAgent, Rate: cfg.Rate, Retries: cfg.Retries,
			Backoff: time.Second, MaxBackoff: 10 * time.Second, MaxBytes: cfg.MaxBytes, CacheDir: cfg.CacheDir,
			HTTP: hc, NoRetry: final})}
}

// final: a refused address or a timeout is not retried.
func final(err error) bool {
	var b *blockedError
	var ne net.Error
	return errors.As(err, &b) || (errors.As(err, &ne) && ne.Timeout())
}

// Stats returns the requests, retries and cache hits so far.
func (f *Fetcher) Stats() polite.Stats { return f.http.Stats() }

// cached is the cache record of a page.
type cached struct {
	Page    *Page    `json:"page,omitempty"`
	Refusal *Refusal `json:"refusal,omitempty"`
}

// Fetch returns the page at raw, or a *Refusal saying why not. A page,
// and a permanent refusal, are cached.
func (f *Fetcher) Fetch(ctx context.Context, raw string) (*Page, error) {
	key := "page " + raw
	var c cached
	if _, ok := f.http.Cached(key, ".json", func(b []byte) bool {
		return json.Unmarshal(b, &c) == nil && (c.Page != nil || c.Refusal != nil)
	}); ok {
		if c.Refusal != nil {
			return nil, c.Refusal
		}
		return c.Page, nil
	}
	p, err := f.fetch(ctx, raw)
	var r *Refusal
	switch {
	case err == nil:
		c = cached{Page: p}
	case errors.As(err, &r) && r.Reason.permanent():
		c = cached{Refusal: r}
	default:
		return nil, err
	}
	b, jerr := json.Marshal(c)
	if jerr == nil {
		jerr = f.http.Store(key, ".json", b)
	}
	if jerr != nil {
		return nil, fmt.Errorf("web: %w", jerr)
	}
	return p, err
}

func (f *Fetcher) fetch(ctx context.Context, raw string) (*Page, error) {
	refuse := func(why Reason, format string, args ...any) error {
		return &Refusal{URL: raw, Reason: why, Detail: fmt.Sprintf(format, args...)}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, refuse(ReasonScheme, "not a URL: %v", err)
	}
	for hop := 0; ; hop++ {
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return nil, refuse(ReasonScheme, "%q is not an http(s) URL", u.String())
		}
		if hop > f.cfg.MaxRedirects {
			return nil, refuse(ReasonRedirects, "more than %d redirects", f.cfg.MaxRedirects)
		}
		if err := f.allowed(ctx, u); err != nil {
			var r *Refusal
			if errors.As(err, &r) {
				r.URL = raw
			}
			return nil, err
		}
		var ctype string
		resp, err := f.http.Get(ctx, polite.Request{URL: u.String(),
			Header: http.Header{"Accept": {"text/html, application/xhtml+xml, text/plain;q=0.9"}},
			Head: func(r *http.Response) error {
				if isRedirect(r.StatusCode) || r.StatusCode != http.StatusOK {
					return nil
				}
				ctype = r.Header.Get("Content-Type")
				if !allowedType(ctype) {
					return refuse(ReasonContentType, "content type %q is not one of %s", ctype, strings.Join(AllowedTypes, ", "))
				}
				return nil
			}})
		if err != nil {
			return nil, f.classify(raw, err)
		}
		if isRedirect(resp.Status) {
			loc := resp.Header.Get("Location")
			next, err := u.Parse(loc)
			if loc == "" || err != nil {
				return nil, refuse(ReasonStatus, "HTTP %d without a usable Location (%q)", resp.Status, loc)
			}
			u = next
			continue
		}
		if resp.Status != http.StatusOK {
			return nil, refuse(ReasonStatus, "HTTP %d %s from %s", resp.Status, http.StatusText(resp.Status), u)
		}
		text, err := decodeText(resp.Body, ctype)
		if err != nil {
			return nil, refuse(ReasonEncoding, "%v", err)
		}
		return &Page{URL: raw, FinalURL: u.String(), ContentType: ctype, Fetched: time.Now().UTC(), Body: text}, nil
	}
}

func isRedirect(status int) bool {
	return slices.Contains([]int{301, 302, 303, 307, 308}, status)
}

// classify turns a transport failure into a Refusal.
func (f *Fetcher) classify(raw string, err error) error {
	var r *Refusal
	var b *blockedError
	var tl *polite.TooLargeError
	var ne net.Error
	switch {
	case errors.As(err, &r):
		return r
	case errors.As(err, &b):
		return &Refusal{URL: raw, Reason: ReasonPrivate, Detail: b.Error()}
	case errors.As(err, &tl):
		return &Refusal{URL: raw, Reason: ReasonTooLarge, Detail: fmt.Sprintf("body over max_bytes (%d)", tl.Max)}
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &Refusal{URL: raw, Reason: ReasonTimeout, Detail: fmt.Sprintf("no whole answer within %s", f.cfg.Timeout)}
	case strings.Contains(err.Error(), "HTTP 5"), strings.Contains(err.Error(), "HTTP 429"):
		return &Refusal{URL: raw, Reason: ReasonStatus, Detail: err.Error()}
	}
	return &Refusal{URL: raw, Reason: ReasonNetwork, Detail: err.Error()}
}

// allowedType reports whether a Content-Type is in AllowedTypes.
func allowedType(ctype string) bool {
	mt, _, err := mime.ParseMediaType(ctype)
	return err == nil && slices.Contains(AllowedTypes, strings.ToLower(mt))
}

// allowed checks robots.txt of u's site for RobotsAgent (RFC 9309: a
// 4xx robots.txt allows everything; a 5xx or an unreachable one
// disallows everything).
func (f *Fetcher) allowed(ctx context.Context, u *url.URL) error {
	site := u.Scheme + "://" + u.Host
	f.mu.Lock()
	rd := f.robots[site]
	f.mu.Unlock()
	if rd == nil {
		var err error
		if rd, err = f.readRobots(ctx, site); err != nil {
			return err
		}
		f.mu.Lock()
		f.robots[site] = rd
		f.mu.Unlock()
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !rd.TestAgent(path, RobotsAgent) {
		return &Refusal{URL: u.String(), Reason: ReasonRobots, Detail: fmt.Sprintf("%s/robots.txt disallows %s for %s", site, path, RobotsAgent)}
	}
	return nil
}

// robotsRecord is the cache record of a robots.txt.
type robotsRecord struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// readRobots fetches and parses site's robots.txt, following redirects
// within the same bounds as pages.
func (f *Fetcher) readRobots(ctx context.Context, site string) (*robotstxt.RobotsData, error) {
	key := "robots " + site
	var rec robotsRecord
	if _, ok := f.http.Cached(key, ".json", func(b []byte) bool { return json.Unmarshal(b, &rec) == nil }); !ok {
		u, _ := url.Parse(site + "/robots.txt")
		for hop := 0; ; hop++ {
			if hop > f.cfg.MaxRedirects {
				rec = robotsRecord{Status: http.StatusNotFound} // RFC 9309: too many redirects, as unavailable
				break
			}
			resp, err := f.http.Get(ctx, polite.Request{URL: u.String()})
			if err != nil {
				var r *Refusal
				if errors.As(f.classify(site+"/robots.txt", err), &r) && r.Reason == ReasonPrivate {
					return nil, r
				}
				if errors.Is(err, context.Canceled) {
					return nil, err
				}
				return nil, &Refusal{URL: site, Reason: ReasonRobots, Detail: fmt.Sprintf("robots.txt unreachable, so all is disallowed: %v", err)}
			}
			if loc := resp.Header.Get("Location"); isRedirect(resp.Status) && loc != "" {
				if next, err := u.Parse(loc); err == nil && (next.Scheme == "http" || next.Scheme == "https") {
					u = next
					continue
				}
			}
			rec = robotsRecord{Status: resp.Status, Body: string(resp.Body)}
			break
		}
		b, _ := json.Marshal(rec)
		if err := f.http.Store(key, ".json", b); err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
	}
	if rec.Status >= 300 && rec.Status < 400 {
		rec.Status = http.StatusNotFound
	}
	rd, err := robotstxt.FromStatusAndBytes(rec.Status, []byte(rec.Body))
	if err != nil {
		return nil, &Refusal{URL: site, Reason: ReasonRobots, Detail: fmt.Sprintf("robots.txt unreadable, so all is disallowed: %v", err)}
	}
	return rd, nil
}

// maxBadShare is the share of invalid or control characters above which
// a page's text is garbled.
const maxBadShare = 0.02

// decodeText decodes body to UTF-8 from the charset its Content-Type or
// <meta> declares (sniffed when neither does) and refuses text whose
// share of invalid or control characters is over maxBadShare.
func decodeText(body []byte, ctype string) (string, error) {
	r, err := charset.NewReader(bytes.NewReader(body), ctype)
	if err != nil {
		return "", fmt.Errorf("charset: %v", err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("decoding: %v", err)
	}
	text := string(b)
	total, bad := 0, 0
	for _, c := range text {
		total++
		if c == utf8.RuneError || (unicode.IsControl(c) && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
			bad++
		}
	}
	if total > 0 && float64(bad) > maxBadShare*float64(total) {
		return "", fmt.Errorf("garbled text: %d of %d characters are invalid or control characters", bad, total)
	}
	return text, nil
}
