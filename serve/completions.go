package serve

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"unicode/utf8"

	"github.com/cemlab/cem/model"
)

// generation is one prompt's answer, with its tokens for usage and logprobs.
type generation struct {
	prompt, text     string
	tokens           []Token // tokens of prompt+text
	promptTokens     int
	completionTokens int
	finish           string // "stop" or "length"
}

// generate runs the engine on one prompt: new text (cut at the first stop
// string), then the tokens of prompt+text for counts and log-probabilities.
func (s *Server) generate(ctx context.Context, req model.GenerateRequest) (generation, error) {
	g := generation{prompt: req.Prompt}
	stopped := false
	if req.MaxTokens > 0 {
		text, err := s.engine.Complete(ctx, req)
		if err != nil {
			return g, fmt.Errorf("generate: %w", err)
		}
		g.text, stopped = model.CutAtStop(text, req.Stop)
	}
	full := g.prompt + g.text
	toks, err := s.engine.Tokens(ctx, full)
	if err != nil {
		return g, fmt.Errorf("tokens: %w", err)
	}
	for i, t := range toks {
		if t.Offset < 0 || t.Offset > len(full) || (i > 0 && t.Offset < toks[i-1].Offset) {
			return g, fmt.Errorf("tokens: engine gave token %d offset %d outside the text (length %d)", i, t.Offset, len(full))
		}
		if t.Offset < len(g.prompt) {
			g.promptTokens++
		} else {
			g.completionTokens++
		}
	}
	g.tokens = toks
	g.finish = "length"
	if stopped || g.completionTokens < req.MaxTokens {
		g.finish = "stop"
	}
	return g, nil
}

// legacyLogprobs reports the tokens of g starting at byte offset from, with
// offsets counted in characters (Unicode code points) of prompt+text, as
// OpenAI and vLLM do.
func legacyLogprobs(g generation, from int) *logprobs {
	full := g.prompt + g.text
	lp := &logprobs{
		Tokens:        []string{},
		TokenLogprobs: []*float64{},
		TopLogprobs:   []map[string]float64{},
		TextOffset:    []int{},
	}
	for _, t := range g.tokens {
		if t.Offset < from {
			continue
		}
		lp.Tokens = append(lp.Tokens, t.Text)
		lp.TextOffset = append(lp.TextOffset, utf8.RuneCountInString(full[:t.Offset]))
		if !t.HasLogProb || math.IsNaN(t.LogProb) || math.IsInf(t.LogProb, 0) {
			lp.TokenLogprobs = append(lp.TokenLogprobs, nil)
			lp.TopLogprobs = append(lp.TopLogprobs, nil)
			continue
		}
		lp.TokenLogprobs = append(lp.TokenLogprobs, ptr(t.LogProb))
		lp.TopLogprobs = append(lp.TopLogprobs, map[string]float64{t.Text: t.LogProb})
	}
	return lp
}

func (s *Server) maxTokens(w http.ResponseWriter, v *int, def int) (int, bool) {
	n := def
	if v != nil {
		n = *v
	}
	if n < 0 || n > s.opts.MaxTokensLimit {
		writeError(w, http.StatusBadRequest, "invalid_request_error",
			fmt.Sprintf("max_tokens = %d; want 0..%d", n, s.opts.MaxTokensLimit))
		return 0, false
	}
	return n, true
}

func (s *Server) handleCompletions(w http.ResponseWriter, r *http.Request) {
	var req completionRequest
	if !s.decode(w, r, &req) {
		return
	}
	switch {
	case len(req.Prompt) == 0:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "prompt is required")
		return
	case req.N != nil && *req.N != 1:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "n must be 1")
		return
	case req.Logprobs != nil && (*req.Logprobs < 0 || *req.Logprobs > 5):
		writeError(w, http.StatusBadRequest, "invalid_request_error", "logprobs must be 0..5")
		return
	case req.Stream && (len(req.Prompt) > 1 || req.Logprobs != nil):
		writeError(w, http.StatusBadRequest, "invalid_request_error", "stream supports one prompt and no logprobs")
		return
	}
	maxTokens, ok := s.maxTokens(w, req.MaxTokens, 16) // OpenAI's default
	if !ok {
		return
	}
	resp := completionResponse{
		ID: s.id("cmpl"), Object: "text_completion", Created: s.opts.Now().Unix(),
		Model: s.opts.ModelName, Usage: &usage{},
	}
	gens := make([]generation, 0, len(req.Prompt))
	for i, p := range req.Prompt {
		g, err := s.generate(r.Context(), model.GenerateRequest{
			Prompt: p, MaxTokens: maxTokens, Temperature: deref(req.Temperature, 1),
			Stop: req.Stop, Seed: deref(req.Seed, 0),
		})
		if err != nil {
			s.engineError(w, err)
			return
		}
		gens = append(gens, g)
		c := completionChoice{Index: i, Text: g.text, FinishReason: ptr(g.finish)}
		from := len(p)
		if req.Echo {
			c.Text = p + g.text
			from = 0
		}
		if req.Logprobs != nil {
			c.Logprobs = legacyLogprobs(g, from)
		}
		resp.Choices = append(resp.Choices, c)
		resp.Usage.PromptTokens += g.promptTokens
		resp.Usage.CompletionTokens += g.completionTokens
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens + resp.Usage.CompletionTokens
	if req.Stream {
		s.streamCompletion(w, resp, gens[0], req.Echo)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) engineError(w http.ResponseWriter, err error) {
	s.opts.Logger.Warn("serve: engine failed", "err", err)
	writeError(w, http.StatusInternalServerError, "server_error", "engine: "+err.Error())
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
