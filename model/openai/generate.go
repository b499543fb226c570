package openai

import (
	"context"
	"errors"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/shared"

	"github.com/cemlab/cem/model"
)

// Generate implements model.Model. In chat mode each request's Prompt is
// one user message to /v1/chat/completions and the server applies its chat
// template; in completions mode the Prompt goes through PromptTemplate to
// /v1/completions. MaxTokens 0 leaves the limit to the server; Temperature
// is always sent (0 is greedy); Seed 0 is not sent; Stop is passed as is.
//
// Outcomes: the texts in request order, or an error naming the request
// index when the server fails after retries or answers without a choice.
func (m *Model) Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	return each(ctx, m, "generate", len(reqs), func(ctx context.Context, i int) (string, error) {
		if m.cfg.GenerateMode == GenerateCompletions {
			return m.generateCompletion(ctx, reqs[i])
		}
		return m.generateChat(ctx, reqs[i])
	})
}

func (m *Model) generateChat(ctx context.Context, r model.GenerateRequest) (string, error) {
	params := sdk.ChatCompletionNewParams{
		Model:       shared.ChatModel(m.cfg.Model),
		Messages:    []sdk.ChatCompletionMessageParamUnion{sdk.UserMessage(r.Prompt)},
		Temperature: sdk.Float(r.Temperature),
	}
	params.MaxTokens, params.Seed = limits(r)
	if len(r.Stop) > 0 {
		params.Stop = sdk.ChatCompletionNewParamsStopUnion{OfStringArray: r.Stop}
	}
	res, err := m.chat(ctx, params)
	if err != nil {
		return "", err
	}
	if len(res.Choices) == 0 {
		return "", errors.New("chat/completions: malformed response: no choices")
	}
	return res.Choices[0].Message.Content, nil
}

func (m *Model) generateCompletion(ctx context.Context, r model.GenerateRequest) (string, error) {
	prompt, err := m.prompt(r.Prompt)
	if err != nil {
		return "", err
	}
	params := sdk.CompletionNewParams{
		Model:       sdk.CompletionNewParamsModel(m.cfg.Model),
		Prompt:      sdk.CompletionNewParamsPromptUnion{OfString: sdk.String(prompt)},
		Temperature: sdk.Float(r.Temperature),
	}
	params.MaxTokens, params.Seed = limits(r)
	if len(r.Stop) > 0 {
		params.Stop = sdk.CompletionNewParamsStopUnion{OfStringArray: r.Stop}
	}
	res, err := m.complete(ctx, params)
	if err != nil {
		return "", err
	}
	if len(res.Choices) == 0 {
		return "", errors.New("completions: malformed response: no choices")
	}
	return res.Choices[0].Text, nil
}

// limits returns the max_tokens and seed fields of r, omitted when zero.
func limits(r model.GenerateRequest) (maxTokens, seed param.Opt[int64]) {
	if r.MaxTokens > 0 {
		maxTokens = sdk.Int(int64(r.MaxTokens))
	}
	if r.Seed != 0 {
		seed = sdk.Int(r.Seed)
	}
	return maxTokens, seed
}
