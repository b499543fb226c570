package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	sdk "github.com/openai/openai-go/v3"

	"github.com/cemlab/cem/model"
)

// probePrompt and probeContinuation make the one request that decides, in
// auto mode, whether the server reports prompt log-probabilities.
const (
	probePrompt       = "The capital of France is"
	probeContinuation = " Paris"
)

// Score implements model.Model by log-likelihood: for each request, the sum
// of the log-probabilities of the continuation's tokens after the templated
// prompt. Whitespace at the end of the templated prompt moves to the start
// of the continuation (tokenizers attach it to the next word). An empty
// continuation scores 0 with 0 tokens and sends nothing.
//
// Outcomes: the scores in request order; or an error wrapping
// ErrNoLogprobs when ScoreMode is "letter", when the probe found no prompt
// log-probabilities, or when a response lacks them; or an error naming
// the request index when the server fails after retries, a response is
// malformed, a continuation token has no log-probability, or a token
// straddles the prompt/continuation boundary (a score would be wrong).
func (m *Model) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	ok, reason, err := m.LogprobsSupported(ctx)
	if err != nil {
		return nil, m.clean(fmt.Errorf("openai: score: %w", err))
	}
	if !ok {
		return nil, fmt.Errorf("openai: score: %s: %w", reason, ErrNoLogprobs)
	}
	return each(ctx, m, "score", len(reqs), func(ctx context.Context, i int) (model.Score, error) {
		return m.scoreOne(ctx, reqs[i])
	})
}

// LogprobsSupported reports whether Score can score by log-likelihood, and
// if not, why. In auto mode the first call probes the server once (later
// calls reuse the answer); a probe that fails for another reason than
// missing support (server down, malformed body) returns the error and is
// tried again on the next call.
func (m *Model) LogprobsSupported(ctx context.Context) (bool, string, error) {
	switch m.cfg.ScoreMode {
	case ScoreLetter:
		return false, "score_mode is letter", nil
	case ScoreLogprobs:
		return true, "", nil
	}
	m.probeMu.Lock()
	defer m.probeMu.Unlock()
	if m.probed {
		return m.hasLogprobs, m.probeReason, nil
	}
	_, err := m.scoreText(WithSite(ctx, "probe"), probePrompt, probeContinuation)
	var se *StatusError
	switch {
	case err == nil:
		m.hasLogprobs = true
	case errors.Is(err, ErrNoLogprobs):
		m.probeReason = strings.TrimSuffix(err.Error(), ": "+ErrNoLogprobs.Error())
	case errors.As(err, &se) && refusal(se.Status):
		m.probeReason = "server refused echo with logprobs: " + se.Error()
	default:
		return false, "", fmt.Errorf("probing for prompt log-probabilities: %w", err)
	}
	m.probed = true
	return m.hasLogprobs, m.probeReason, nil
}

// refusal reports whether status means "this server does not do that".
func refusal(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusUnprocessableEntity, http.StatusNotImplemented:
		return true
	}
	return false
}

func (m *Model) scoreOne(ctx context.Context, r model.ScoreRequest) (model.Score, error) {
	if r.Continuation == "" {
		return model.Score{}, nil
	}
	prompt, err := m.prompt(r.Prompt)
	if err != nil {
		return model.Score{}, err
	}
	return m.scoreText(ctx, prompt, r.Continuation)
}

// scoreText scores continuation after the raw text prompt.
func (m *Model) scoreText(ctx context.Context, prompt, continuation string) (model.Score, error) {
	trimmed := strings.TrimRightFunc(prompt, unicode.IsSpace)
	prompt, continuation = trimmed, prompt[len(trimmed):]+continuation
	if prompt == "" {
		return model.Score{}, errors.New("empty prompt: the first token of a text has no log-probability")
	}
	full := prompt + continuation
	params := sdk.CompletionNewParams{
		Model:       sdk.CompletionNewParamsModel(m.cfg.Model),
		Prompt:      sdk.CompletionNewParamsPromptUnion{OfString: sdk.String(full)},
		Echo:        sdk.Bool(true),
		Logprobs:    sdk.Int(1),
		MaxTokens:   sdk.Int(1), // some servers reject 0; the generated token is past the text and ignored
		Temperature: sdk.Float(0),
	}
	res, err := m.complete(ctx, params)
	if err != nil {
		return model.Score{}, err
	}
	return continuationScore(res, prompt, full)
}

// legacyLogprobs is the completions logprobs block, decoded by us so that
// null entries (the first token) stay distinguishable from 0.
type legacyLogprobs struct {
	Tokens        []string   `json:"tokens"`
	TokenLogprobs []*float64 `json:"token_logprobs"`
	TextOffset    []int      `json:"text_offset"`
}

// continuationScore sums the log-probabilities of the tokens of full that
// start at or after the end of prompt. Offsets are in characters (code
// points), as OpenAI and vLLM report them; when the tokens spell out the
// echoed text exactly, offsets are recomputed from them instead, which
// also serves servers that count bytes.
func continuationScore(res *sdk.Completion, prompt, full string) (model.Score, error) {
	if len(res.Choices) == 0 {
		return model.Score{}, errors.New("malformed response: no choices")
	}
	ch := res.Choices[0]
	if !strings.HasPrefix(ch.Text, full) {
		return model.Score{}, fmt.Errorf("server did not echo the prompt: %w", ErrNoLogprobs)
	}
	raw := strings.TrimSpace(ch.Logprobs.RawJSON())
	if raw == "" || raw == "null" {
		return model.Score{}, fmt.Errorf("response has no logprobs: %w", ErrNoLogprobs)
	}
	var lp legacyLogprobs
	if err := json.Unmarshal([]byte(raw), &lp); err != nil {
		return model.Score{}, fmt.Errorf("malformed logprobs: %w", err)
	}
	n := len(lp.Tokens)
	if n == 0 {
		return model.Score{}, fmt.Errorf("response has no logprob tokens: %w", ErrNoLogprobs)
	}
	if len(lp.TokenLogprobs) != n || len(lp.TextOffset) != n {
		return model.Score{}, fmt.Errorf("malformed logprobs: %d tokens, %d logprobs, %d offsets",
			n, len(lp.TokenLogprobs), len(lp.TextOffset))
	}
	offsets := lp.TextOffset
	if strings.Join(lp.Tokens, "") == ch.Text {
		offsets = make([]int, n)
		at := 0
		for i, t := range lp.Tokens {
			offsets[i] = at
			at += utf8.RuneCountInString(t)
		}
	}
	start, end := utf8.RuneCountInString(prompt), utf8.RuneCountInString(full)
	var s model.Score
	for i, off := range offsets {
		tokEnd := off + utf8.RuneCountInString(lp.Tokens[i])
		switch {
		case off < start && tokEnd > start:
			return model.Score{}, fmt.Errorf("token %d %q straddles the end of the prompt at character %d; "+
				"end the prompt template at a word boundary", i, lp.Tokens[i], start)
		case off < start || off >= end:
			continue
		}
		v := lp.TokenLogprobs[i]
		if v == nil || math.IsNaN(*v) || *v > 1e-6 {
			return model.Score{}, fmt.Errorf("malformed logprobs: continuation token %d %q has log-probability %v", i, lp.Tokens[i], fmtPtr(v))
		}
		s.LogProb += *v
		s.Tokens++
	}
	if s.Tokens == 0 {
		return model.Score{}, fmt.Errorf("no tokens of the continuation %q found in the response", full[len(prompt):])
	}
	return s, nil
}

func fmtPtr(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

// complete sends one /v1/completions request through call.
func (m *Model) complete(ctx context.Context, params sdk.CompletionNewParams) (*sdk.Completion, error) {
	return call(ctx, m, "completions", params,
		func(ctx context.Context) (*sdk.Completion, error) { return m.client.Completions.New(ctx, params) },
		func(raw []byte) (*sdk.Completion, error) {
			var c sdk.Completion
			err := json.Unmarshal(raw, &c)
			return &c, err
		},
		func(c *sdk.Completion) (int64, int64) { return c.Usage.PromptTokens, c.Usage.CompletionTokens },
	)
}
