package polite

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestGetCapsRetriesAndCache(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if r.Header.Get("User-Agent") != UserAgent("ops@example.org") {
			w.WriteHeader(http.StatusBadRequest)
		}
		switch r.URL.Path {
		case "/big":
			w.Write([]byte(strings.Repeat("x", 100)))
		case "/flaky":
			if n%2 == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.Write([]byte("ok"))
		}
	}))
	defer srv.Close()
	c := New(Config{UserAgent: UserAgent("ops@example.org"), Retries: 2, MaxBytes: 50, CacheDir: t.TempDir(),
		NoRetry: func(error) bool { return true }})
	c.SetClock(c.now, func(context.Context, time.Duration) error { return nil })
	_, err := c.Get(context.Background(), Request{URL: srv.URL + "/big"})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Max != 50 {
		t.Errorf("big body: %v; want *TooLargeError of 50", err)
	}
	n = 0
	r, err := c.Get(context.Background(), Request{URL: srv.URL + "/flaky"})
	if err != nil || string(r.Body) != "ok" || r.Status != 200 || c.Stats().Retries != 1 {
		t.Fatalf("flaky: %v, %+v, stats %+v; want ok after one retry", err, r, c.Stats())
	}
	if err := c.Store("k", ".txt", r.Body); err != nil {
		t.Fatal(err)
	}
	if b, ok := c.Cached("k", ".txt", nil); !ok || string(b) != "ok" || c.Stats().CacheHits != 1 {
		t.Errorf("cache: %q %v %+v", b, ok, c.Stats())
	}
	if _, ok := c.Cached("other", ".txt", nil); ok {
		t.Error("a key never stored was found")
	}
}
