package openai

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/cemlab/cem/model"
)

// Model is a model.Model served over the OpenAI API. It is safe for
// concurrent use.
type Model struct {
	cfg    Config
	tmpl   *template.Template
	client sdk.Client
	apiKey string
	sem    chan struct{}
	cache  *diskCache // nil when disabled
	usage  usageBook

	rngMu sync.Mutex
	rng   *rand.Rand

	noTop atomic.Bool // the server refused top log-probabilities (ScoreLetters)

	probeMu     sync.Mutex
	probed      bool
	hasLogprobs bool
	probeReason string
}

var _ model.Model = (*Model)(nil)

// New checks cfg, reads the API key from the environment variable
// cfg.APIKeyEnv, and returns a Model. It sends no request. It fails on a
// missing base URL or model, an unknown mode, a bad template, or a named
// key variable that is unset or empty.
func New(cfg Config) (*Model, error) {
	cfg.applyDefaults()
	tmpl, err := cfg.validate()
	if err != nil {
		return nil, fmt.Errorf("openai: config: %w", err)
	}
	var key string
	if cfg.APIKeyEnv != "" {
		key = os.Getenv(cfg.APIKeyEnv)
		if key == "" {
			return nil, fmt.Errorf("openai: environment variable %s (api_key_env) is unset or empty", cfg.APIKeyEnv)
		}
	}
	m := &Model{
		cfg:    cfg,
		tmpl:   tmpl,
		apiKey: key,
		sem:    make(chan struct{}, cfg.Concurrency),
		rng:    rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6a09e667f3bcc908)),
	}
	if cfg.CacheDir != "" {
		m.cache = &diskCache{dir: cfg.CacheDir}
	}
	opts := []option.RequestOption{
		option.WithBaseURL(cfg.BaseURL),
		option.WithAPIKey(key), // also overrides any OPENAI_API_KEY in the environment
		option.WithHTTPClient(cfg.HTTPClient),
		option.WithMaxRetries(0), // retries are ours: seeded jitter, one accounting path
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.Headers)) {
		opts = append(opts, option.WithHeader(k, cfg.Headers[k]))
	}
	m.client = sdk.NewClient(opts...)
	return m, nil
}

// Config returns the configuration in use, defaults applied.
func (m *Model) Config() Config { return m.cfg }

// prompt renders the prompt template around p.
func (m *Model) prompt(p string) (string, error) {
	var b strings.Builder
	if err := m.tmpl.Execute(&b, struct{ Prompt string }{p}); err != nil {
		return "", fmt.Errorf("prompt_template: %w", err)
	}
	return b.String(), nil
}

// parallel runs f(ctx, i) for i in [0, n) on up to Concurrency goroutines
// and returns the first error; the others then see a cancelled context.
func (m *Model) parallel(ctx context.Context, n int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := range n {
		select {
		case m.sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			if first != nil {
				return first
			}
			return context.Cause(ctx)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-m.sem }()
			if err := f(ctx, i); err != nil {
				once.Do(func() { first = err; cancel(err) })
			}
		}()
	}
	wg.Wait()
	return first
}

// each runs f for every request index on m's goroutines (see parallel)
// and collects the results in request order; the first error names its
// request ("openai: <what> request <i>: ...") with the API key cleaned out.
func each[R any](ctx context.Context, m *Model, what string, n int, f func(ctx context.Context, i int) (R, error)) ([]R, error) {
	out := make([]R, n)
	err := m.parallel(ctx, n, func(ctx context.Context, i int) error {
		r, err := f(ctx, i)
		if err != nil {
			return fmt.Errorf("openai: %s request %d: %w", what, i, err)
		}
		out[i] = r
		return nil
	})
	if err != nil {
		return nil, m.clean(err)
	}
	return out, nil
}

// clean keeps the API key out of an error's text.
func (m *Model) clean(err error) error {
	if err == nil || m.apiKey == "" {
		return err
	}
	return redact(err, m.apiKey)
}

// ErrNoLogprobs means the server cannot report prompt log-probabilities
// (or ScoreMode is "letter"), so multiple-choice answers must be graded by
// generation and letter extraction instead. It is model.ErrNoLogprobs, so
// exam.Run falls back to letter mode on it.
var ErrNoLogprobs = model.ErrNoLogprobs
