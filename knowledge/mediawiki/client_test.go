package mediawiki

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock records the waits asked for and advances by them.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (f *fakeClock) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }

func (f *fakeClock) sleep(_ context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	f.t = f.t.Add(d)
	return nil
}

// scripted serves answers in order on loopback, then "ok" forever, and
// records the requests.
func scripted(t *testing.T, answers ...func(w http.ResponseWriter)) (*httptest.Server, *[]*http.Request) {
	var mu sync.Mutex
	var reqs []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := len(reqs)
		reqs = append(reqs, r)
		mu.Unlock()
		if n < len(answers) {
			answers[n](w)
			return
		}
		w.Write([]byte(`{"query":{"search":[{"title":"Chad"}]}}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &reqs
}

func status(code int, retryAfter string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
	}
}

func maxlag(retryAfter string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", retryAfter)
		w.Write([]byte(`{"error":{"code":"maxlag","info":"Waiting for a database server: 7 seconds lagged."}}`))
	}
}

func testClient(t *testing.T, api string, cfg Config) (*Client, *fakeClock) {
	t.Helper()
	cfg.API, cfg.Contact = api, "ops@example.org"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	c.http.SetClock(clk.now, clk.sleep)
	return c, clk
}

func TestRetries(t *testing.T) {
	cases := []struct {
		name     string
		answers  []func(w http.ResponseWriter)
		retries  int
		wantErr  string
		requests int
		waits    []time.Duration // backoff waits only (rate waits are 0 at Rate 1e9)
	}{
		{"503 twice", []func(http.ResponseWriter){status(503, ""), status(503, "")}, 4, "", 3,
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"maxlag with Retry-After", []func(http.ResponseWriter){maxlag("2")}, 4, "", 2, []time.Duration{2 * time.Second}},
		{"Retry-After capped", []func(http.ResponseWriter){status(429, "3600")}, 4, "", 2, []time.Duration{5 * time.Second}},
		{"gives up", []func(http.ResponseWriter){status(502, ""), status(502, ""), status(502, "")}, 2,
			"HTTP 502 Bad Gateway (after 3 attempts)", 3, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"404 is not retried", []func(http.ResponseWriter){status(404, "")}, 4, "HTTP 404", 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, reqs := scripted(t, tc.answers...)
			c, clk := testClient(t, srv.URL+"/api.php", Config{Rate: 1e9, Retries: tc.retries,
				Backoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second})
			titles, err := c.search(context.Background(), "chad", "text", 5)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
			} else if err != nil || !slices.Equal(titles, []string{"Chad"}) {
				t.Fatalf("got %v, %v", titles, err)
			}
			if len(*reqs) != tc.requests || c.Stats().Requests != int64(tc.requests) {
				t.Errorf("%d requests (counted %d), want %d", len(*reqs), c.Stats().Requests, tc.requests)
			}
			var backoff []time.Duration
			for _, w := range clk.waits {
				if w > 0 {
					backoff = append(backoff, w)
				}
			}
			if !slices.Equal(backoff, tc.waits) {
				t.Errorf("waited %v, want %v", backoff, tc.waits)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	srv, reqs := scripted(t)
	c, clk := testClient(t, srv.URL+"/api.php", Config{Rate: 4})
	for i := range 5 {
		if _, err := c.search(context.Background(), "q"+string(rune('a'+i)), "text", 5); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{0, 250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond}
	if !slices.Equal(clk.waits, want) || len(*reqs) != 5 {
		t.Errorf("waits %v over %d requests, want %v", clk.waits, len(*reqs), want)
	}
}

func TestPoliteRequest(t *testing.T) {
	srv, reqs := scripted(t)
	c, _ := testClient(t, srv.URL+"/w/api.php", Config{Rate: 1e9, MaxLag: 7})
	if _, err := c.search(context.Background(), "capital of chad", "title", 3); err != nil {
		t.Fatal(err)
	}
	r := (*reqs)[0]
	if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "cem/") || !strings.Contains(ua, "ops@example.org") {
		t.Errorf("User-Agent %q, want cem/... with the contact", ua)
	}
	q := r.URL.Query()
	for k, v := range map[string]string{"maxlag": "7", "format": "json", "formatversion": "2", "action": "query",
		"list": "search", "srsearch": "capital of chad", "srwhat": "title", "srlimit": "3"} {
		if q.Get(k) != v {
			t.Errorf("%s=%q, want %q", k, q.Get(k), v)
		}
	}
	if r.URL.Path != "/w/api.php" {
		t.Errorf("path %q", r.URL.Path)
	}
}

func TestNewRejects(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{API: "en.wikipedia.org/w/api.php", Contact: "x"}, "api: want the http(s) URL"},
		{Config{API: "https://en.wikipedia.org/w/api.php"}, "contact: needed"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func TestAPIErrorIsNotCached(t *testing.T) {
	srv, reqs := scripted(t, func(w http.ResponseWriter) {
		w.Write([]byte(`{"error":{"code":"badvalue","info":"Unrecognized value"}}`))
	})
	c, _ := testClient(t, srv.URL+"/api.php", Config{Rate: 1e9, CacheDir: t.TempDir()})
	if _, err := c.search(context.Background(), "x", "title", 3); err == nil || !strings.Contains(err.Error(), "badvalue") {
		t.Fatalf("error %v, want the API error", err)
	}
	if _, err := c.search(context.Background(), "x", "title", 3); err != nil {
		t.Fatal(err)
	}
	if len(*reqs) != 2 || c.Stats().CacheHits != 0 {
		t.Errorf("%d requests, %d cache hits: the error answer was cached", len(*reqs), c.Stats().CacheHits)
	}
	if _, err := c.search(context.Background(), "x", "title", 3); err != nil || len(*reqs) != 2 {
		t.Errorf("the good answer was not cached: %d requests, %v", len(*reqs), err)
	}
}
