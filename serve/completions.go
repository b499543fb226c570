package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"

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

// requestError is a request the engine cannot serve as asked (a prompt
// longer than the context): 400, with an OpenAI error code.
type requestError struct{ code, msg string }

func (e *requestError) Error() string { return e.msg }

// generate runs the engine on one prompt: new text (cut at the first stop
// string) and, when top >= 0 or the engine does not count its own tokens,
// the scored tokens of prompt and text for counts and log-probabilities,
// with up to top alternatives per token where the engine gives them. A
// TokenEngine's context bounds the generation (see TokenEngine).
func (s *Server) generate(ctx context.Context, req model.GenerateRequest, top int) (generation, error) {
	if se, ok := s.engine.(ScoringEngine); ok {
		return s.generateScored(ctx, se, req, top)
	}
	if te, ok := s.engine.(TokenEngine); ok {
		return s.generateInContext(ctx, te, req, top >= 0)
	}
	g := generation{prompt: req.Prompt}
	stopped := false
	if req.MaxTokens > 0 {
		text, err := s.engine.Complete(ctx, req)
		if err != nil {
			return g, fmt.Errorf("generate: %w", err)
		}
		g.text, stopped = model.CutAtStop(text, req.Stop)
	}
	if err := g.score(ctx, s.engine, true); err != nil {
		return g, err
	}
	g.finish = "length"
	if stopped || g.completionTokens < req.MaxTokens {
		g.finish = "stop"
	}
	return g, nil
}

// fitContext counts the prompt's tokens into g, rejects a prompt longer
// than the context and lowers req.MaxTokens to the room the prompt leaves.
func fitContext(te TokenEngine, g *generation, req *model.GenerateRequest) error {
	size := te.ContextSize()
	g.promptTokens = te.CountTokens(req.Prompt)
	if g.promptTokens > size {
		return &requestError{code: "context_length_exceeded", msg: fmt.Sprintf(
			"the prompt is %d tokens; this model's context holds %d tokens, prompt and completion together", g.promptTokens, size)}
	}
	req.MaxTokens = min(req.MaxTokens, size-g.promptTokens)
	return nil
}

// generateInContext is generate for an engine with a bounded context.
func (s *Server) generateInContext(ctx context.Context, te TokenEngine, req model.GenerateRequest, withTokens bool) (generation, error) {
	g := generation{prompt: req.Prompt, finish: "length"}
	if err := fitContext(te, &g, &req); err != nil {
		return g, err
	}
	if req.MaxTokens > 0 {
		c, err := te.CompleteTokens(ctx, req)
		if err != nil {
			return g, fmt.Errorf("generate: %w", err)
		}
		g.text, g.completionTokens = c.Text, c.Tokens
		if !c.Length {
			g.finish = "stop"
		}
	}
	if !withTokens {
		return g, nil
	}
	return g, g.score(ctx, te, false)
}

// generateScored is generate for a ScoringEngine: the tokens are the
// prompt's own followed by the generated ones, never re-tokenized.
func (s *Server) generateScored(ctx context.Context, se ScoringEngine, req model.GenerateRequest, top int) (generation, error) {
	g := generation{prompt: req.Prompt, finish: "length"}
	if err := fitContext(se, &g, &req); err != nil {
		return g, err
	}
	if req.MaxTokens == 0 && top < 0 {
		return g, nil
	}
	r, err := se.Run(ctx, req, top)
	if err != nil {
		return g, fmt.Errorf("generate: %w", err)
	}
	g.text, g.completionTokens = r.Text, r.Tokens
	if !r.Length {
		g.finish = "stop"
	}
	if top < 0 {
		return g, nil
	}
	end := len(g.prompt) + len(g.text)
	g.tokens = make([]Token, 0, len(r.Prompt)+len(r.Generated))
	g.tokens = append(g.tokens, r.Prompt...)
	for _, t := range r.Generated {
		t.Offset += len(g.prompt)
		if t.Offset >= end {
			break // past the stop cut
		}
		g.tokens = append(g.tokens, t)
	}
	return g, checkOffsets(g.tokens, end)
}

// checkOffsets checks that token offsets are ordered and inside a text of
// n bytes.
func checkOffsets(toks []Token, n int) error {
	for i, t := range toks {
		if t.Offset < 0 || t.Offset > n || (i > 0 && t.Offset < toks[i-1].Offset) {
			return fmt.Errorf("tokens: engine gave token %d offset %d outside the text (length %d)", i, t.Offset, n)
		}
	}
	return nil
}

// score fills g.tokens with the engine's tokens of prompt+text; with
// count set it also counts them into promptTokens and completionTokens.
func (g *generation) score(ctx context.Context, e Engine, count bool) error {
	full := g.prompt + g.text
	toks, err := e.Tokens(ctx, full)
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	if err := checkOffsets(toks, len(full)); err != nil {
		return err
	}
	for _, t := range toks {
		if !count {
			break
		}
		if t.Offset < len(g.prompt) {
			g.promptTokens++
		} else {
			g.completionTokens++
		}
	}
	g.tokens = toks
	return nil
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
	case !validSampling(w, req.sampling):
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
	if s.opts.NoEcho {
		req.Echo = false // as llama-server, which has no prompt log-probabilities
	}
	top := -1
	if req.Logprobs != nil {
		top = *req.Logprobs
	}
	gens := make([]generation, 0, len(req.Prompt))
	for i, p := range req.Prompt {
		g, err := s.generate(r.Context(), model.GenerateRequest{
			Prompt: p, MaxTokens: maxTokens, Temperature: deref(req.Temperature, 1),
			Stop: req.Stop, Seed: deref(req.Seed, 0),
		}, top)
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
			c.Logprobs = legacyLogprobs(g, from, top)
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

// validSampling checks the sampling parameters shared by completions and
// chat, answering 400 itself when one is out of range. top_p is checked
// but not applied: the engines sample from the whole distribution.
func validSampling(w http.ResponseWriter, p sampling) bool {
	msg := ""
	switch {
	case p.N != nil && *p.N != 1:
		msg = fmt.Sprintf("n = %d; this server gives one choice per prompt (n must be 1)", *p.N)
	case p.Temperature != nil && (*p.Temperature < 0 || *p.Temperature > 2):
		msg = fmt.Sprintf("temperature = %g; want 0..2", *p.Temperature)
	case p.TopP != nil && (*p.TopP <= 0 || *p.TopP > 1):
		msg = fmt.Sprintf("top_p = %g; want a value in (0, 1]", *p.TopP)
	default:
		return true
	}
	writeError(w, http.StatusBadRequest, "invalid_request_error", msg)
	return false
}

func (s *Server) engineError(w http.ResponseWriter, err error) {
	var re *requestError
	if errors.As(err, &re) {
		writeErrorCode(w, http.StatusBadRequest, "invalid_request_error", re.code, re.msg)
		return
	}
	s.opts.Logger.Warn("serve: engine failed", "err", err)
	writeError(w, http.StatusInternalServerError, "server_error", "engine: "+err.Error())
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
