package modeltest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cemlab/cem/serve"
)

// LogprobSupport says how a fake server treats completions that ask for
// prompt log-probabilities (echo with logprobs).
type LogprobSupport int

const (
	// LogprobsFull answers echo+logprobs like vLLM or OpenAI's legacy API.
	LogprobsFull LogprobSupport = iota
	// LogprobsRejected answers 400, like servers without echo support.
	LogprobsRejected
	// LogprobsIgnored drops echo and logprobs and answers as if they were
	// never asked, like Ollama's OpenAI endpoint.
	LogprobsIgnored
)

// Faults switch on failure modes of a Server. The zero value is a healthy
// server. Counted faults apply to the first requests in order: first
// RateLimited requests get 429, then ServerErrors requests get 500.
type Faults struct {
	RateLimited  int           // answer 429 (with Retry-After: 0) to this many requests
	ServerErrors int           // then answer 500 to this many; negative means every request
	Delay        time.Duration // wait this long before answering (or until the client gives up)
	Malformed    bool          // answer 200 with a truncated JSON body
	Logprobs     LogprobSupport
	APIKey       string // when set, require "Authorization: Bearer APIKey" (else 401)
}

// Server is an httptest.Server speaking the OpenAI API over an engine,
// with Faults. Its URL plus "/v1" is the base URL clients use.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	faults   Faults
	served   int
	requests []Request
}

// Request is a request the server received.
type Request struct {
	Path          string
	Body          []byte
	Authorization string
}

// NewServer starts a Server answering with engine (a Toy when nil) and
// closes it when the test ends.
func NewServer(t testing.TB, engine serve.Engine, f Faults) *Server {
	t.Helper()
	if engine == nil {
		engine = &Toy{}
	}
	api, err := serve.New(engine, serve.Options{ModelName: "toy"})
	if err != nil {
		t.Fatalf("modeltest: %v", err)
	}
	s := &Server{faults: f}
	s.Server = httptest.NewServer(s.wrap(api))
	t.Cleanup(s.Close)
	return s
}

// BaseURL is the URL clients put before /completions: URL + "/v1".
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// SetFaults replaces the faults; counted faults restart from the next request.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.served = f, 0
}

// Requests returns a copy of every request received so far, faulted or not.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		f, n := s.faults, s.served
		s.served++
		s.requests = append(s.requests, Request{Path: r.URL.Path, Body: body, Authorization: r.Header.Get("Authorization")})
		s.mu.Unlock()

		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if f.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+f.APIKey {
			writeFault(w, http.StatusUnauthorized, "invalid api key")
			return
		}
		switch {
		case n < f.RateLimited:
			w.Header().Set("Retry-After", "0")
			writeFault(w, http.StatusTooManyRequests, "rate limited")
			return
		case f.ServerErrors < 0 || n < f.RateLimited+f.ServerErrors:
			writeFault(w, http.StatusInternalServerError, "internal error")
			return
		}
		if r.URL.Path == "/v1/completions" && f.Logprobs != LogprobsFull {
			var req map[string]any
			if json.Unmarshal(body, &req) == nil && (req["echo"] == true || req["logprobs"] != nil) {
				if f.Logprobs == LogprobsRejected {
					writeFault(w, http.StatusBadRequest, "echo and logprobs are not supported")
					return
				}
				delete(req, "echo")
				delete(req, "logprobs")
				body, _ = json.Marshal(req) // re-encoding decoded JSON cannot fail
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		if f.Malformed {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			b := rec.Body.Bytes()
			_, _ = w.Write(b[:len(b)/2])
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeFault(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": "fault"}})
	_, _ = w.Write(b)
}
