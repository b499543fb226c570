package serve

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Options configure a Server. The zero value works.
type Options struct {
	// ModelName is the id listed by /v1/models and echoed in responses.
	// Requests may name any model; the server always answers with its own.
	// Default "cem".
	ModelName string
	// ChatPrompt turns chat messages into the raw prompt given to the
	// engine. Default DefaultChatPrompt.
	ChatPrompt func([]Message) (string, error)
	// MaxTokensLimit caps max_tokens; larger requests are rejected with 400.
	// Default 4096.
	MaxTokensLimit int
	// ChatMaxTokens is the generation budget of a chat request that names
	// none. Default 256.
	ChatMaxTokens int
	// MaxBodyBytes caps request bodies. Default 8 MiB.
	MaxBodyBytes int64
	// Logger receives one debug line per request and warnings on engine
	// errors. Default: slog.Default().
	Logger *slog.Logger
	// Now stamps the "created" field. Default time.Now.
	Now func() time.Time
	// APIKey, when set, is the key every request must send as
	// "Authorization: Bearer KEY"; others get 401 with an OpenAI-style
	// error.
	APIKey string
	// NoEcho makes /v1/completions ignore echo, as llama.cpp's server
	// does: no prompt text or prompt log-probabilities come back, only the
	// generated tokens' (with their top_logprobs).
	NoEcho bool
}

func (o *Options) applyDefaults() {
	if o.ModelName == "" {
		o.ModelName = "cem"
	}
	if o.ChatPrompt == nil {
		o.ChatPrompt = DefaultChatPrompt
	}
	if o.MaxTokensLimit <= 0 {
		o.MaxTokensLimit = 4096
	}
	if o.ChatMaxTokens <= 0 {
		o.ChatMaxTokens = 256 // OpenAI's default is unbounded; a small model needs a bound
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 8 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// DefaultChatPrompt joins the contents of all messages with blank lines,
// which suits a model trained on bare instructions. It fails on an empty
// conversation.
func DefaultChatPrompt(msgs []Message) (string, error) {
	if len(msgs) == 0 {
		return "", errors.New("messages: at least one message is required")
	}
	parts := make([]string, 0, len(msgs))
	for _, m := range msgs {
		switch m.Role {
		case "system", "developer", "user", "assistant":
		default:
			return "", fmt.Errorf("messages: role %q is not supported", m.Role)
		}
		parts = append(parts, m.Content)
	}
	return strings.Join(parts, "\n\n"), nil
}

// Server answers OpenAI API requests with an Engine. It is an http.Handler
// and safe for concurrent use.
type Server struct {
	engine Engine
	opts   Options
	mux    *http.ServeMux
	nextID atomic.Int64
}

var _ http.Handler = (*Server)(nil)

// New returns a Server for engine. It fails when engine is nil.
func New(engine Engine, opts Options) (*Server, error) {
	if engine == nil {
		return nil, errors.New("serve: nil engine")
	}
	opts.applyDefaults()
	s := &Server{engine: engine, opts: opts, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /v1/models", s.handleModels)
	s.mux.HandleFunc("GET /v1/models/{id}", s.handleModel)
	s.mux.HandleFunc("POST /v1/completions", s.handleCompletions)
	s.mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found_error", fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
	})
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="cem"`)
		msg := "Incorrect API key provided."
		if r.Header.Get("Authorization") == "" {
			msg = "You didn't provide an API key. Send it as the header \"Authorization: Bearer KEY\"."
		}
		writeErrorCode(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", msg)
		s.opts.Logger.Debug("serve: unauthorized", "method", r.Method, "path", r.URL.Path)
		return
	}
	s.mux.ServeHTTP(w, r)
	s.opts.Logger.Debug("serve", "method", r.Method, "path", r.URL.Path, "elapsed", time.Since(start))
}

// authorized reports whether r carries the API key (always, without one).
func (s *Server) authorized(r *http.Request) bool {
	if s.opts.APIKey == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.opts.APIKey)) == 1
}

func (s *Server) id(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, s.nextID.Add(1))
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, modelList{Object: "list", Data: []modelEntry{s.modelEntry()}})
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != s.opts.ModelName {
		writeError(w, http.StatusNotFound, "not_found_error", fmt.Sprintf("model %q does not exist", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, s.modelEntry())
}

func (s *Server) modelEntry() modelEntry {
	return modelEntry{ID: s.opts.ModelName, Object: "model", Created: s.opts.Now().Unix(), OwnedBy: "cem"}
}

// decode reads a JSON body into dst, answering 400 itself on failure.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, dst any) bool {
	body := http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	if err := json.NewDecoder(body).Decode(dst); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "invalid_request_error",
				fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit))
			return false
		}
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", "encoding response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, kind, msg string) {
	writeErrorCode(w, status, kind, "", msg)
}

// writeErrorCode is writeError with an OpenAI error code ("" for null).
func writeErrorCode(w http.ResponseWriter, status int, kind, code, msg string) {
	var e apiError
	e.Error.Message = msg
	e.Error.Type = kind
	if code != "" {
		e.Error.Code = &code
	}
	b, _ := json.Marshal(e) // a struct of strings always encodes
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func ptr[T any](v T) *T { return &v }
