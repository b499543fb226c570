package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cemlab/cem/internal/atomicfile"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/modeltest"
	"github.com/cemlab/cem/model/openai"
	"github.com/cemlab/cem/serve"
)

// newModel returns a Model for srv with fast retries; edit tweaks the config.
func newModel(t *testing.T, srv *modeltest.Server, edit func(*openai.Config)) *openai.Model {
	t.Helper()
	cfg := openai.Config{
		BaseURL: srv.BaseURL(), Model: "toy", RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
		Timeout: 5 * time.Second, Seed: 1,
	}
	if edit != nil {
		edit(&cfg)
	}
	m, err := openai.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

var scoreCases = []model.ScoreRequest{
	{Prompt: "The capital of Chad is", Continuation: " N'Djamena"},
	{Prompt: "The capital of Chad is", Continuation: " Paris"},
	{Prompt: "Q: Which river?\nA:", Continuation: " the Nile, of course."},
	{Prompt: "Capitale du Tchad :", Continuation: " N'Djaména"},
	{Prompt: "Answer:", Continuation: ""},
}

func TestScoreMatchesEngine(t *testing.T) {
	toy := &modeltest.Toy{}
	want, err := toy.Score(context.Background(), scoreCases)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{openai.ScoreAuto, openai.ScoreLogprobs} {
		t.Run(mode, func(t *testing.T) {
			srv := modeltest.NewServer(t, toy, modeltest.Faults{})
			m := newModel(t, srv, func(c *openai.Config) { c.ScoreMode = mode })
			got, err := m.Score(context.Background(), scoreCases)
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			for i := range want {
				if got[i].Tokens != want[i].Tokens || math.Abs(got[i].LogProb-want[i].LogProb) > 1e-9 {
					t.Errorf("Score(%q, %q) = %+v; want %+v", scoreCases[i].Prompt, scoreCases[i].Continuation, got[i], want[i])
				}
			}
		})
	}
}

func TestScoreTemplateAndTrailingSpace(t *testing.T) {
	srv := modeltest.NewServer(t, nil, modeltest.Faults{})
	m := newModel(t, srv, func(c *openai.Config) { c.PromptTemplate = "Question: {{.Prompt}}\nAnswer: " })
	got, err := m.Score(context.Background(), []model.ScoreRequest{{Prompt: "Capital of Chad?", Continuation: "N'Djamena"}})
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	// The template's trailing space joins the continuation: " N'Djamena" after "...Answer:".
	want, _ := (&modeltest.Toy{}).Score(context.Background(),
		[]model.ScoreRequest{{Prompt: "Question: Capital of Chad?\nAnswer:", Continuation: " N'Djamena"}})
	if got[0] != want[0] {
		t.Errorf("Score = %+v; want %+v", got[0], want[0])
	}
}

func TestScoreStraddlingTokenFails(t *testing.T) {
	srv := modeltest.NewServer(t, nil, modeltest.Faults{})
	m := newModel(t, srv, nil)
	_, err := m.Score(context.Background(), []model.ScoreRequest{{Prompt: "Answer: Par", Continuation: "is"}})
	if err == nil || !strings.Contains(err.Error(), "straddles") {
		t.Fatalf("Score = %v; want a straddling-token error", err)
	}
}

func TestFaults(t *testing.T) {
	req := []model.ScoreRequest{{Prompt: "The capital of Chad is", Continuation: " N'Djamena"}}
	want, _ := (&modeltest.Toy{}).Score(context.Background(), req)
	tests := []struct {
		name    string
		faults  modeltest.Faults
		mode    string
		timeout time.Duration
		retries int
		wantErr string // "" means success with the toy's score
		noLP    bool   // the error must wrap ErrNoLogprobs
	}{
		{name: "429 then success", faults: modeltest.Faults{RateLimited: 2}},
		{name: "500 then success", faults: modeltest.Faults{ServerErrors: 3}},
		{name: "always 500", faults: modeltest.Faults{ServerErrors: -1}, wantErr: "HTTP 500"},
		{name: "retries exhausted", faults: modeltest.Faults{RateLimited: 10}, retries: 2, wantErr: "gave up after 3 attempt(s)"},
		{name: "malformed JSON", faults: modeltest.Faults{Malformed: true}, wantErr: "gave up"},
		{name: "slow", faults: modeltest.Faults{Delay: 2 * time.Second}, timeout: 50 * time.Millisecond, retries: -1, wantErr: "timeout"},
		{name: "logprobs rejected, auto", faults: modeltest.Faults{Logprobs: modeltest.LogprobsRejected}, noLP: true, wantErr: "refused"},
		{name: "logprobs ignored, auto", faults: modeltest.Faults{Logprobs: modeltest.LogprobsIgnored}, noLP: true, wantErr: "echo"},
		{name: "logprobs ignored, forced", faults: modeltest.Faults{Logprobs: modeltest.LogprobsIgnored},
			mode: openai.ScoreLogprobs, noLP: true, wantErr: "echo"},
		{name: "logprobs rejected, forced", faults: modeltest.Faults{Logprobs: modeltest.LogprobsRejected},
			mode: openai.ScoreLogprobs, wantErr: "HTTP 400"},
		{name: "letter mode", mode: openai.ScoreLetter, noLP: true, wantErr: "letter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := modeltest.NewServer(t, nil, tt.faults)
			m := newModel(t, srv, func(c *openai.Config) {
				c.ScoreMode = tt.mode
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
				if tt.retries != 0 {
					c.MaxRetries = tt.retries
				}
			})
			got, err := m.Score(context.Background(), req)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Score: %v", err)
				}
				if got[0] != want[0] {
					t.Errorf("Score = %+v; want %+v", got[0], want[0])
				}
				return
			}
			t.Logf("error: %v", err)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Score error = %v; want one containing %q", err, tt.wantErr)
			}
			if errors.Is(err, openai.ErrNoLogprobs) != tt.noLP {
				t.Errorf("errors.Is(%v, ErrNoLogprobs) = %v; want %v", err, !tt.noLP, tt.noLP)
			}
		})
	}
}

func TestRetriesCounted(t *testing.T) {
	srv := modeltest.NewServer(t, nil, modeltest.Faults{RateLimited: 2})
	m := newModel(t, srv, func(c *openai.Config) { c.ScoreMode = openai.ScoreLogprobs })
	ctx := openai.WithSite(context.Background(), "exam")
	if _, err := m.Score(ctx, scoreCases[:1]); err != nil {
		t.Fatal(err)
	}
	u := m.Usage()["exam"]
	if u.Requests != 1 || u.Retries != 2 || u.Failures != 0 {
		t.Errorf("Usage[exam] = %+v; want 1 request, 2 retries, 0 failures", u)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("server saw %d requests; want 3", n)
	}
}

func TestServerDown(t *testing.T) {
	srv := modeltest.NewServer(t, nil, modeltest.Faults{})
	m := newModel(t, srv, func(c *openai.Config) { c.MaxRetries = 1 })
	srv.Close()
	_, err := m.Score(context.Background(), scoreCases[:1])
	if err == nil || !strings.Contains(err.Error(), "probing") {
		t.Fatalf("Score on a closed server = %v; want a probing error", err)
	}
	if errors.Is(err, openai.ErrNoLogprobs) {
		t.Errorf("a down server must not look like letter mode: %v", err)
	}
}

// scoreAndSayHi scores scoreCases with m and generates 4 tokens after "hi".
func scoreAndSayHi(t *testing.T, m model.Model) ([]model.Score, []string) {
	t.Helper()
	scores, err := m.Score(t.Context(), scoreCases)
	if err != nil {
		t.Fatal(err)
	}
	texts, err := m.Generate(t.Context(), []model.GenerateRequest{{Prompt: "hi", MaxTokens: 4}})
	if err != nil {
		t.Fatal(err)
	}
	return scores, texts
}

func TestCacheAvoidsSecondRequest(t *testing.T) {
	dir := t.TempDir()
	srv := modeltest.NewServer(t, nil, modeltest.Faults{})
	first := newModel(t, srv, func(c *openai.Config) { c.CacheDir = dir; c.Price = openai.Price{PromptPer1K: 1, CompletionPer1K: 2} })
	a, g1 := scoreAndSayHi(t, first)
	if u := first.TotalUsage(); u.PromptTokens == 0 || u.Cost <= 0 || u.CacheHits != 0 {
		t.Errorf("first run usage = %+v; want tokens, cost and no cache hits", u)
	}
	n := len(srv.Requests())
	second := newModel(t, srv, func(c *openai.Config) { c.CacheDir = dir; c.ScoreMode = openai.ScoreLogprobs })
	b, g2 := scoreAndSayHi(t, second)
	if got := len(srv.Requests()); got != n {
		t.Errorf("second run sent %d requests; want 0", got-n)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("cached score %d = %+v; want %+v", i, b[i], a[i])
		}
	}
	if g1[0] != g2[0] {
		t.Errorf("cached generation = %q; want %q", g2[0], g1[0])
	}
	if u := second.TotalUsage(); u.CacheHits != u.Requests || u.Cost != 0 {
		t.Errorf("second run usage = %+v; want all cache hits at no cost", u)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	for _, e := range entries {
		if atomicfile.IsTemp(filepath.Base(e)) {
			t.Errorf("temporary file left in cache: %s", e)
		}
	}
}

func TestGenerate(t *testing.T) {
	toy := &modeltest.Toy{Reply: func(p string) string { return " B. Because the Nile is longer.\nQ: next" }}
	for _, mode := range []string{openai.GenerateChat, openai.GenerateCompletions} {
		t.Run(mode, func(t *testing.T) {
			srv := modeltest.NewServer(t, toy, modeltest.Faults{})
			m := newModel(t, srv, func(c *openai.Config) { c.GenerateMode = mode; c.PromptTemplate = "Q: {{.Prompt}}\nA:" })
			got, err := m.Generate(context.Background(), []model.GenerateRequest{
				{Prompt: "Which is longer?", MaxTokens: 64, Stop: []string{"\nQ:"}},
				{Prompt: "Which is longer?", MaxTokens: 2},
			})
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			want := []string{" B. Because the Nile is longer.", " B."}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("Generate[%d] = %q; want %q", i, got[i], want[i])
				}
			}
			reqs := srv.Requests()
			var body map[string]any
			if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
				t.Fatal(err)
			}
			if body["temperature"] != 0.0 {
				t.Errorf("request temperature = %v; want 0 sent explicitly", body["temperature"])
			}
			if mode == openai.GenerateCompletions && body["prompt"] != "Q: Which is longer?\nA:" {
				t.Errorf("completions prompt = %q; want the template applied", body["prompt"])
			}
		})
	}
}

// countingEngine records the most concurrent Tokens calls.
type countingEngine struct {
	modeltest.Toy
	now, peak atomic.Int32
}

func (c *countingEngine) Tokens(ctx context.Context, text string) ([]serve.Token, error) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(20 * time.Millisecond)
	return c.Toy.Tokens(ctx, text)
}

func TestConcurrencyLimit(t *testing.T) {
	eng := &countingEngine{}
	srv := modeltest.NewServer(t, eng, modeltest.Faults{})
	m := newModel(t, srv, func(c *openai.Config) { c.Concurrency = 2; c.ScoreMode = openai.ScoreLogprobs })
	reqs := make([]model.ScoreRequest, 8)
	for i := range reqs {
		reqs[i] = model.ScoreRequest{Prompt: "Count", Continuation: strings.Repeat(" x", i+1)}
	}
	if _, err := m.Score(context.Background(), reqs); err != nil {
		t.Fatal(err)
	}
	if p := eng.peak.Load(); p > 2 || p < 1 {
		t.Errorf("peak concurrent requests = %d; want 1..2", p)
	}
}

func TestAPIKeyNeverLeaks(t *testing.T) {
	const secret = "sk-test-7f3a9c1e5b"
	t.Setenv("CEM_TEST_OPENAI_KEY", secret)
	dir := t.TempDir()

	good := modeltest.NewServer(t, nil, modeltest.Faults{APIKey: secret})
	m := newModel(t, good, func(c *openai.Config) { c.APIKeyEnv = "CEM_TEST_OPENAI_KEY"; c.CacheDir = dir })
	if _, err := m.Score(context.Background(), scoreCases[:2]); err != nil {
		t.Fatalf("Score with the right key: %v", err)
	}
	if got := good.Requests()[0].Authorization; got != "Bearer "+secret {
		t.Errorf("Authorization = %q; want the bearer key", got)
	}

	bad := modeltest.NewServer(t, nil, modeltest.Faults{APIKey: "another-key"})
	m2 := newModel(t, bad, func(c *openai.Config) { c.APIKeyEnv = "CEM_TEST_OPENAI_KEY"; c.MaxRetries = -1 })
	_, err := m2.Score(context.Background(), scoreCases[:1])
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("Score with a wrong key = %v; want a 401 error", err)
	}
	usage, _ := json.Marshal(m.Usage())
	cfg, _ := json.Marshal(m.Config())
	texts := map[string]string{"error": err.Error(), "usage": string(usage), "config": string(cfg)}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			texts["cache "+p] = string(b)
		}
		return nil
	})
	for where, text := range texts {
		if strings.Contains(text, secret) {
			t.Errorf("API key appears in %s: %s", where, text)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Setenv("CEM_TEST_EMPTY_KEY", "")
	tests := []struct {
		name string
		cfg  openai.Config
		want string
	}{
		{"no base URL", openai.Config{Model: "m"}, "base_url"},
		{"no model", openai.Config{BaseURL: "http://localhost:1/v1"}, "model"},
		{"bad mode", openai.Config{BaseURL: "http://x/v1", Model: "m", ScoreMode: "maybe"}, "score_mode"},
		{"bad generate mode", openai.Config{BaseURL: "http://x/v1", Model: "m", GenerateMode: "x"}, "generate_mode"},
		{"bad template", openai.Config{BaseURL: "http://x/v1", Model: "m", PromptTemplate: "{{.Prompt"}, "prompt_template"},
		{"empty key", openai.Config{BaseURL: "http://x/v1", Model: "m", APIKeyEnv: "CEM_TEST_EMPTY_KEY"}, "CEM_TEST_EMPTY_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openai.New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v; want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestContextCancel(t *testing.T) {
	srv := modeltest.NewServer(t, nil, modeltest.Faults{Delay: 5 * time.Second})
	m := newModel(t, srv, func(c *openai.Config) { c.ScoreMode = openai.ScoreLogprobs })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := m.Score(ctx, scoreCases[:2])
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Score after cancel = %v; want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Score took %v after cancel; want a prompt return", d)
	}
}
