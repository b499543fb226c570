package web

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestFetchRefusals fetches every hostile case from the loopback site
// and checks the exact reason recorded.
func TestFetchRefusals(t *testing.T) {
	s := newSite(t)
	cases := []struct {
		name   string
		cfg    FetchConfig
		path   string
		reason Reason
		detail string
	}{
		{"robots disallow", FetchConfig{}, "/private/index.html", ReasonRobots, "/robots.txt disallows /private/index.html for cem"},
		{"redirect into a disallowed path", FetchConfig{}, "/to-robots", ReasonRobots, "disallows /private/index.html"},
		{"oversized body", FetchConfig{MaxBytes: 8000}, "/doc/Index.html", ReasonTooLarge, "body over max_bytes (8000)"},
		{"bad content type", FetchConfig{}, "/as-pdf", ReasonContentType, `content type "application/pdf" is not one of text/html`},
		{"too many redirects", FetchConfig{MaxRedirects: 3}, "/loop/0", ReasonRedirects, "more than 3 redirects"},
		{"redirect to a private address", FetchConfig{}, "/to-private", ReasonPrivate, "127.0.0.2 is a loopback address; refused (allow_private is off)"},
		{"private address refused", FetchConfig{allow: []netip.Prefix{}}, "/doc/index.html", ReasonPrivate, "127.0.0.1 is a loopback address; refused (allow_private is off)"},
		{"timeout", FetchConfig{Timeout: 300 * time.Millisecond}, "/slow", ReasonTimeout, "no whole answer within 300ms"},
		{"garbled page", FetchConfig{}, "/garbled", ReasonEncoding, "garbled text:"},
		{"not found", FetchConfig{}, "/doc/none.html", ReasonStatus, "HTTP 404 Not Found"},
		{"not http", FetchConfig{}, "ftp://127.0.0.1/x", ReasonScheme, "is not an http(s) URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := testFetcher(t, tc.cfg)
			raw := tc.path
			if strings.HasPrefix(raw, "/") {
				raw = s.URL + raw
			}
			p, err := f.Fetch(context.Background(), raw)
			var r *Refusal
			if !errors.As(err, &r) {
				t.Fatalf("Fetch = %v, %v; want a refusal %s", p, err, tc.reason)
			}
			if r.Reason != tc.reason || !strings.Contains(r.Detail, tc.detail) || r.URL != raw {
				t.Errorf("refusal %s %q for %s; want %s containing %q for %s", r.Reason, r.Detail, r.URL, tc.reason, tc.detail, raw)
			}
		})
	}
}

// TestFetchFollowsAndDecodes follows a redirect to a real page and
// decodes a page served in ISO-8859-1 to UTF-8.
func TestFetchFollowsAndDecodes(t *testing.T) {
	s := newSite(t)
	f := testFetcher(t, FetchConfig{})
	p, err := f.Fetch(context.Background(), s.URL+"/hop")
	if err != nil {
		t.Fatal(err)
	}
	if p.FinalURL != s.URL+"/doc/The-Basics.html" || !strings.Contains(p.Body, "ffi_prep_cif") || p.Fetched.IsZero() {
		t.Errorf("page %s (asked %s) fetched %v, %d bytes", p.FinalURL, p.URL, p.Fetched, len(p.Body))
	}
	l, err := f.Fetch(context.Background(), s.URL+"/latin1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.Body, "Café crème") {
		t.Errorf("ISO-8859-1 page not decoded: %q", l.Body[:min(len(l.Body), 200)])
	}
}

// TestFetchCacheIsOffline fetches a page and a refusal, closes the site
// and fetches them again from the cache: the same answers, no request.
func TestFetchCacheIsOffline(t *testing.T) {
	s := newSite(t)
	cache := t.TempDir()
	f := testFetcher(t, FetchConfig{CacheDir: cache})
	p1, err := f.Fetch(context.Background(), s.URL+"/doc/Types.html")
	if err != nil {
		t.Fatal(err)
	}
	_, r1 := f.Fetch(context.Background(), s.URL+"/private/Types.html")
	s.Close()
	again := testFetcher(t, FetchConfig{CacheDir: cache})
	p2, err := again.Fetch(context.Background(), s.URL+"/doc/Types.html")
	if err != nil {
		t.Fatal(err)
	}
	_, r2 := again.Fetch(context.Background(), s.URL+"/private/Types.html")
	if p2.Body != p1.Body || !p2.Fetched.Equal(p1.Fetched) || r1 == nil || r2 == nil || r2.Error() != r1.Error() {
		t.Errorf("cached answers differ: %v / %v", r1, r2)
	}
	if st := again.Stats(); st.Requests != 0 || st.CacheHits != 2 {
		t.Errorf("rerun stats %+v; want 0 requests, 2 cache hits", st)
	}
}
