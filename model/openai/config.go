package openai

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"text/template"
	"time"
)

// Score modes.
const (
	ScoreAuto     = "auto"     // probe the server once; letter mode if it has no prompt log-probabilities
	ScoreLogprobs = "logprobs" // always score by log-likelihood; fail if the server cannot
	ScoreLetter   = "letter"   // never score; Score returns ErrNoLogprobs
)

// Generate modes.
const (
	GenerateChat        = "chat"        // /v1/chat/completions with one user message
	GenerateCompletions = "completions" // /v1/completions with PromptTemplate applied
)

// Price is what a provider charges, in any currency, per 1000 tokens.
type Price struct {
	PromptPer1K     float64 `json:"prompt_per_1k,omitempty"`
	CompletionPer1K float64 `json:"completion_per_1k,omitempty"`
}

// Config configures a Model. BaseURL and Model are required; every other
// zero value means the documented default.
type Config struct {
	// BaseURL is the API root, e.g. "http://localhost:8000/v1".
	BaseURL string `json:"base_url"`
	// Model is the served model name sent with every request.
	Model string `json:"model"`
	// APIKeyEnv names the environment variable holding the API key. Empty
	// means no key (local servers). A named but unset or empty variable is
	// an error.
	APIKeyEnv string `json:"api_key_env,omitempty"`
	// Concurrency bounds requests in flight. Default 4.
	Concurrency int `json:"concurrency,omitempty"`
	// MaxRetries is how many times a failed request is retried (429, 5xx,
	// timeouts, dropped connections, malformed bodies). Default 4; negative
	// means never retry.
	MaxRetries int `json:"max_retries,omitempty"`
	// RetryBase is the first backoff; each retry doubles it up to RetryMax,
	// then a seeded jitter scales it into [1/2, 1] of that. A larger
	// Retry-After from the server wins, up to RetryMax. Defaults 500ms, 30s.
	RetryBase time.Duration `json:"retry_base,omitempty"`
	RetryMax  time.Duration `json:"retry_max,omitempty"`
	// Seed seeds the retry jitter.
	Seed int64 `json:"seed,omitempty"`
	// Timeout bounds one attempt of one request. Default 2 minutes.
	Timeout time.Duration `json:"timeout,omitempty"`
	// CacheDir holds cached responses; empty disables the cache. Entries
	// are keyed by (base URL, model, endpoint, request body), so a changed
	// template, seed or temperature misses. Sampled generations (temperature
	// above 0) are cached too: a rerun with the same seed gets the same text.
	CacheDir string `json:"cache_dir,omitempty"`
	// ScoreMode is ScoreAuto (default), ScoreLogprobs or ScoreLetter.
	ScoreMode string `json:"score_mode,omitempty"`
	// GenerateMode is GenerateChat (default) or GenerateCompletions.
	GenerateMode string `json:"generate_mode,omitempty"`
	// PromptTemplate is a text/template turning a request's Prompt into the
	// raw text sent to /v1/completions (for scoring, and for generation in
	// completions mode). It sees {{.Prompt}}. Default "{{.Prompt}}".
	PromptTemplate string `json:"prompt_template,omitempty"`
	// Headers are extra HTTP headers sent with every request.
	Headers map[string]string `json:"headers,omitempty"`
	// Price turns token counts into a cost estimate. Zero means free.
	Price Price `json:"price,omitzero"`
	// HTTPClient sends the requests. Default: a plain http.Client (the
	// per-attempt Timeout applies through the request context).
	HTTPClient *http.Client `json:"-"`
}

func (c *Config) applyDefaults() {
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 4
	} else if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 500 * time.Millisecond
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 30 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Minute // a long generation on a busy server
	}
	if c.ScoreMode == "" {
		c.ScoreMode = ScoreAuto
	}
	if c.GenerateMode == "" {
		c.GenerateMode = GenerateChat // every server and hosted model has chat
	}
	if c.PromptTemplate == "" {
		c.PromptTemplate = "{{.Prompt}}"
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
}

// validate checks c after defaults and parses the template.
func (c *Config) validate() (*template.Template, error) {
	var errs []error
	u, err := url.Parse(c.BaseURL)
	if c.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base_url %q: want an http(s) URL such as http://localhost:8000/v1", c.BaseURL))
	}
	if strings.TrimSpace(c.Model) == "" {
		errs = append(errs, errors.New("model: required (the served model name)"))
	}
	switch c.ScoreMode {
	case ScoreAuto, ScoreLogprobs, ScoreLetter:
	default:
		errs = append(errs, fmt.Errorf("score_mode %q: want auto, logprobs or letter", c.ScoreMode))
	}
	switch c.GenerateMode {
	case GenerateChat, GenerateCompletions:
	default:
		errs = append(errs, fmt.Errorf("generate_mode %q: want chat or completions", c.GenerateMode))
	}
	tmpl, err := template.New("prompt").Option("missingkey=error").Parse(c.PromptTemplate)
	if err != nil {
		errs = append(errs, fmt.Errorf("prompt_template: %w", err))
	}
	return tmpl, errors.Join(errs...)
}
