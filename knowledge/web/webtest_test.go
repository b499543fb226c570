package web

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// manualDir finds the HTML manual of libffi that Debian's libffi-dev
// ships (real GNU Texinfo pages; .ci/run installs the package). Without
// it the test skips, or fails when CEM_REQUIRE_DATA=1.
func manualDir(t testing.TB) string {
	t.Helper()
	matches, _ := filepath.Glob("/usr/share/doc/libffi*/html/The-Basics.html")
	if len(matches) == 0 {
		msg := "no HTML manual: Debian's libffi-dev ships one under /usr/share/doc/libffi*/html (apt-get install libffi-dev; .ci/run does)"
		if os.Getenv("CEM_REQUIRE_DATA") == "1" {
			t.Fatal(msg + "; CEM_REQUIRE_DATA=1 requires it")
		}
		t.Skip(msg + "; skipping")
	}
	return filepath.Dir(matches[0])
}

// site is a loopback web site serving the real manual under /doc/ and
// the hostile cases around it.
type site struct {
	*httptest.Server
	dir string
}

const robotsTxt = "User-agent: *\nDisallow: /nobody/\n\nUser-agent: cem\nDisallow: /private/\n"

func newSite(t *testing.T) *site {
	t.Helper()
	dir := manualDir(t)
	mux := http.NewServeMux()
	s := &site{dir: dir}
	mux.Handle("/doc/", http.StripPrefix("/doc/", http.FileServer(http.Dir(dir))))
	mux.Handle("/private/", http.StripPrefix("/private/", http.FileServer(http.Dir(dir))))
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, robotsTxt)
	})
	mux.HandleFunc("/as-pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		http.ServeFile(w, r, filepath.Join(dir, "index.html"))
	})
	mux.HandleFunc("/loop/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/loop/"), "%d", &n)
		http.Redirect(w, r, fmt.Sprintf("/loop/%d", n+1), http.StatusFound)
	})
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/doc/The-Basics.html", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) {
		_, port, _ := strings.Cut(strings.TrimPrefix(s.URL, "http://"), ":")
		http.Redirect(w, r, "http://127.0.0.2:"+port+"/doc/index.html", http.StatusFound)
	})
	mux.HandleFunc("/to-robots", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/private/index.html", http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/garbled", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		rng := rand.New(rand.NewPCG(7, 7))
		b := []byte("<html><head><title>x</title></head><body><p>")
		for range 4000 {
			b = append(b, byte(rng.IntN(256)))
		}
		w.Write(append(b, "</p></body></html>"...))
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		body, err := os.ReadFile(filepath.Join(dir, "Introduction.html"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		// The real page, with a Latin-1 word added and served as ISO-8859-1.
		page := strings.Replace(string(body), "charset=utf-8", "charset=iso-8859-1", 1)
		page = strings.Replace(page, "<h2", "<p>Caf\xe9 cr\xe8me is a Latin-1 test line.</p><h2", 1)
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.Write([]byte(page))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// loopbackOnly lets the fetcher reach 127.0.0.1 (the test site) while
// every other non-public address stays refused.
var loopbackOnly = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

func testFetcher(t *testing.T, cfg FetchConfig) *Fetcher {
	t.Helper()
	if cfg.UserAgent == "" {
		cfg.UserAgent = "cem-test (ci@localhost)"
	}
	if cfg.allow == nil && !cfg.AllowPrivate {
		cfg.allow = loopbackOnly
	}
	cfg.Rate = 1e6
	if cfg.Retries == 0 {
		cfg.Retries = -1
	}
	return NewFetcher(cfg)
}
