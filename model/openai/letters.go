package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"

	"github.com/cemlab/cem/model"
)

// topLetters and topLettersLegacy are how many top log-probabilities a
// letter request asks for: OpenAI's maxima for chat (top_logprobs) and
// for legacy completions (logprobs).
const (
	topLetters       = 20
	topLettersLegacy = 5
)

var _ model.LetterScorer = (*Model)(nil)

// ScoreLetters implements model.LetterScorer: one request per item with
// max_tokens 1 and top log-probabilities (chat/completions with
// logprobs/top_logprobs in chat mode, /v1/completions with logprobs and
// the prompt template in completions mode), and the log-probability of
// each letter read from the first token's top list (a token counts for a
// letter when it is the letter, alone or with spaces, "(", ")", "." or
// ":" around it; several such tokens add up). Both the legacy
// completions form (top_logprobs: [{token: logprob}]) and the chat form
// (content: [{top_logprobs: [{token, logprob}]}]) that llama.cpp also
// uses for completions are read. A response without top log-probs, or
// with no letter among them, gives a nil entry.
//
// A server that refuses the log-probability parameters (400, 404, 422,
// 501) makes ScoreLetters return model.ErrNoLogprobs, then and on every
// later call, so that letters are generated instead.
func (m *Model) ScoreLetters(ctx context.Context, reqs []model.LetterRequest) ([][]float64, error) {
	if m.noTop.Load() {
		return nil, fmt.Errorf("openai: letters: the server refused top log-probabilities: %w", ErrNoLogprobs)
	}
	out, err := each(ctx, m, "letters", len(reqs), func(ctx context.Context, i int) ([]float64, error) {
		top, err := m.firstTop(ctx, reqs[i])
		if err != nil {
			return nil, err
		}
		return lettersFrom(top, reqs[i].Letters), nil
	})
	var se *StatusError
	if errors.As(err, &se) && refusal(se.Status) {
		m.noTop.Store(true)
		return nil, fmt.Errorf("openai: letters: %w: %w", err, ErrNoLogprobs)
	}
	return out, err
}

// firstTop returns the first generated token's top log-probabilities.
func (m *Model) firstTop(ctx context.Context, r model.LetterRequest) (map[string]float64, error) {
	var raw string
	if m.cfg.GenerateMode == GenerateCompletions {
		prompt, err := m.prompt(r.Prompt)
		if err != nil {
			return nil, err
		}
		params := sdk.CompletionNewParams{
			Model:       sdk.CompletionNewParamsModel(m.cfg.Model),
			Prompt:      sdk.CompletionNewParamsPromptUnion{OfString: sdk.String(prompt)},
			Logprobs:    sdk.Int(topLettersLegacy),
			MaxTokens:   sdk.Int(1),
			Temperature: sdk.Float(0),
		}
		res, err := m.complete(ctx, params)
		if err != nil {
			return nil, err
		}
		if len(res.Choices) == 0 {
			return nil, errors.New("completions: malformed response: no choices")
		}
		raw = res.Choices[0].Logprobs.RawJSON()
	} else {
		params := sdk.ChatCompletionNewParams{
			Model:       shared.ChatModel(m.cfg.Model),
			Messages:    []sdk.ChatCompletionMessageParamUnion{sdk.UserMessage(r.Prompt)},
			Logprobs:    sdk.Bool(true),
			TopLogprobs: sdk.Int(topLetters),
			MaxTokens:   sdk.Int(1),
			Temperature: sdk.Float(0),
		}
		res, err := m.chat(ctx, params)
		if err != nil {
			return nil, err
		}
		if len(res.Choices) == 0 {
			return nil, errors.New("chat/completions: malformed response: no choices")
		}
		raw = res.Choices[0].Logprobs.RawJSON()
	}
	return parseTop(raw), nil
}

// parseTop reads the first token's top log-probabilities from a logprobs
// block of either form; nil when it has none.
func parseTop(raw string) map[string]float64 {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return nil
	}
	var lp struct {
		TopLogprobs []map[string]float64 `json:"top_logprobs"`
		Content     []struct {
			Token       string  `json:"token"`
			Logprob     float64 `json:"logprob"`
			TopLogprobs []struct {
				Token   string  `json:"token"`
				Logprob float64 `json:"logprob"`
			} `json:"top_logprobs"`
		} `json:"content"`
	}
	if json.Unmarshal([]byte(raw), &lp) != nil {
		return nil
	}
	if len(lp.TopLogprobs) > 0 && len(lp.TopLogprobs[0]) > 0 {
		return lp.TopLogprobs[0]
	}
	if len(lp.Content) == 0 {
		return nil
	}
	c := lp.Content[0]
	out := map[string]float64{}
	for _, t := range c.TopLogprobs {
		out[t.Token] = t.Logprob
	}
	if _, ok := out[c.Token]; !ok && c.Token != "" {
		out[c.Token] = c.Logprob
	}
	return out
}

// lettersFrom maps top tokens to the letters; nil when no letter is there.
func lettersFrom(top map[string]float64, letters []string) []float64 {
	out := make([]float64, len(letters))
	for i := range out {
		out[i] = math.Inf(-1)
	}
	found := false
	for tok, lp := range top {
		t := strings.Trim(tok, " \t\n\u2581\u0120().:")
		for i, l := range letters {
			if t == l && !math.IsNaN(lp) {
				out[i] = logAdd(out[i], lp)
				found = true
			}
		}
	}
	if !found {
		return nil
	}
	return out
}

// logAdd is log(exp(a) + exp(b)).
func logAdd(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// chat sends one /v1/chat/completions request through call.
func (m *Model) chat(ctx context.Context, params sdk.ChatCompletionNewParams) (*sdk.ChatCompletion, error) {
	return call(ctx, m, "chat/completions", params,
		func(ctx context.Context) (*sdk.ChatCompletion, error) {
			return m.client.Chat.Completions.New(ctx, params)
		},
		func(raw []byte) (*sdk.ChatCompletion, error) {
			var c sdk.ChatCompletion
			err := json.Unmarshal(raw, &c)
			return &c, err
		},
		func(c *sdk.ChatCompletion) (int64, int64) { return c.Usage.PromptTokens, c.Usage.CompletionTokens },
	)
}
