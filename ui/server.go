package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// Options configure a Server.
type Options struct {
	// Catalog lists the runs; required.
	Catalog Catalog
	// Reviewer is the review queue; nil shows no queue and refuses actions.
	Reviewer Reviewer
	// Token authorises actions; "" refuses every action.
	Token string
	// Poll is how often a live run page checks metrics.json; default 1s.
	Poll time.Duration
	// Log receives one line per request with its render time; nil: none.
	Log *slog.Logger
}

// Server is the dashboard's http.Handler.
type Server struct {
	opts Options
	mux  *http.ServeMux
}

// NewToken returns a fresh random action token (32 hex digits).
func NewToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("ui: token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// New returns the dashboard for opts.
func New(opts Options) (*Server, error) {
	if opts.Catalog == nil {
		return nil, fmt.Errorf("ui: no runs to show (give a runs folder or an index)")
	}
	if opts.Poll == 0 {
		opts.Poll = time.Second
	}
	s := &Server{opts: opts, mux: http.NewServeMux()}
	static, _ := fs.Sub(assets, "assets")
	s.mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /{$}", s.page(s.runsPage))
	s.mux.HandleFunc("GET /compare", s.page(s.comparePage))
	s.mux.HandleFunc("GET /run/{id}", s.page(s.runPage))
	s.mux.HandleFunc("GET /run/{id}/events", s.events)
	s.mux.HandleFunc("GET /run/{id}/item", s.page(s.itemPage))
	s.mux.HandleFunc("GET /run/{id}/review", s.page(s.reviewPage))
	s.mux.HandleFunc("POST /run/{id}/review", s.decide)
	return s, nil
}

// ServeHTTP implements http.Handler. Requests whose Host is not a
// loopback name are refused (a page elsewhere must not reach the
// dashboard through DNS rebinding).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !loopbackHost(r.Host) {
		http.Error(w, "ui: this dashboard answers on 127.0.0.1 or localhost only", http.StatusForbidden)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
	s.mux.ServeHTTP(w, r)
}

func loopbackHost(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// authorized reports whether r carries the server's token (form field
// "token" or header "Authorization: Bearer <token>").
func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return false
	}
	got := r.PostFormValue("token")
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		got = b
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) == 1
}

// pageFunc builds a page: the template name and its data, or an error
// with its status.
type pageFunc func(r *http.Request) (string, any, error)

// httpError is an error with a status code.
type httpError struct {
	code int
	msg  string
}

func (e httpError) Error() string { return e.msg }

func (s *Server) page(f pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		name, data, err := f(r)
		if err != nil {
			code := http.StatusInternalServerError
			if he, ok := err.(httpError); ok {
				code = he.code
			}
			http.Error(w, err.Error(), code)
			return
		}
		var buf strings.Builder
		if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
			http.Error(w, fmt.Sprintf("ui: render %s: %v", name, err), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, buf.String())
		if s.opts.Log != nil {
			s.opts.Log.Info("page", "path", r.URL.Path, "ms", float64(time.Since(start).Microseconds())/1000)
		}
	}
}

// decide records a review decision; without the token it answers 403
// before reading anything.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		http.Error(w, "ui: this action needs the token `cem ui` printed at start", http.StatusForbidden)
		return
	}
	if s.opts.Reviewer == nil {
		http.Error(w, "ui: no review queue in this dashboard", http.StatusNotFound)
		return
	}
	dir, err := s.runDir(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	round, err := strconv.Atoi(r.PostFormValue("round"))
	verdict := r.PostFormValue("verdict")
	if err != nil || (verdict != Approve && verdict != Reject) {
		http.Error(w, fmt.Sprintf("ui: bad decision: round %q, verdict %q (want approve or reject)", r.PostFormValue("round"), verdict), http.StatusBadRequest)
		return
	}
	who := strings.TrimSpace(r.PostFormValue("who"))
	if who == "" {
		who = "dashboard"
	}
	if err := s.opts.Reviewer.Decide(dir, round, r.PostFormValue("passage"), verdict, who, r.PostFormValue("note")); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/run/"+r.PathValue("id")+"/review", http.StatusSeeOther)
}

// runDir resolves the {id} of r to a run folder of the catalog.
func (s *Server) runDir(r *http.Request) (string, error) {
	id := r.PathValue("id")
	dirs, err := s.opts.Catalog.Dirs(r.Context())
	if err != nil {
		return "", err
	}
	for _, d := range dirs {
		if runID(d) == id {
			return d, nil
		}
	}
	return "", httpError{http.StatusNotFound, fmt.Sprintf("ui: no run %q", id)}
}

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"pct":  func(p float64) string { return fmt.Sprintf("%.1f", 100*p) },
	"when": func(t time.Time) string { return t.Format("2006-01-02 15:04") },
}).ParseFS(assets, "assets/*.html"))
