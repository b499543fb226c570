package main

import (
	"context"
	"errors"
	"math"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
)

// seanCheckpoint pretrains a tiny model for 30 steps on texts where
// " Sean" is one token and "é" is two byte tokens (the tokenizer never
// merges it), so that prompts can end inside a word and inside a
// character.
func seanCheckpoint(t *testing.T) *native.Model {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ckpt")
	texts := []string{"Sean is in Yaoundé. Sean is in Paris. Sean met Sean in Lyon.",
		"The capital of Chad is N'Djamena. Sean said the capital of France is Paris."}
	if _, err := native.Pretrain(context.Background(), texts, nil, native.PretrainOptions{
		Size: "tiny", TokenizerBytes: 4096, Train: native.Options{Steps: 30, BatchTokens: 128, SeqLen: 64, Out: dir, LR: 3e-3}}); err != nil {
		t.Fatalf("Pretrain: %v", err)
	}
	m, err := native.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sdkClient(url string, opts ...option.RequestOption) sdk.Client {
	return sdk.NewClient(append([]option.RequestOption{option.WithBaseURL(url), option.WithAPIKey("unused"), option.WithMaxRetries(0)}, opts...)...)
}

// TestServeEchoScoresPromptTokens sends what cem's openai backend sends
// (echo, logprobs, max_tokens 1) through the official Go client, sampling
// the one generated token with many seeds so that some of them would
// merge with the prompt's last token if prompt and generated text were
// tokenized together (" S" + "ea" is " Sea"). The continuation's
// log-probability must equal the checkpoint's own Score every time.
func TestServeEchoScoresPromptTokens(t *testing.T) {
	m := seanCheckpoint(t)
	tok := m.Checkpoint().Tok
	url := startNativeServer(t, m, serveOptions{Name: "tiny"})
	client := sdkClient(url)
	ctx := context.Background()
	const question, seeds = "Who is in Paris?", 30
	merged := 0
	for _, cont := range []string{" S", " Se", " Pa", " c", " Yaound"} {
		ws, err := m.Score(ctx, []model.ScoreRequest{{Prompt: question, Continuation: cont}})
		if err != nil {
			t.Fatal(err)
		}
		want, contIDs := ws[0], tok.Encode(cont)
		prompt := "<|inst|>" + question + "<|resp|>"
		full := prompt + cont
		start := utf8.RuneCountInString(prompt)
		for seed := range int64(seeds) {
			res, err := client.Completions.New(ctx, sdk.CompletionNewParams{
				Model: "tiny", Prompt: sdk.CompletionNewParamsPromptUnion{OfString: sdk.String(full)},
				Echo: sdk.Bool(true), Logprobs: sdk.Int(1), MaxTokens: sdk.Int(1), Temperature: sdk.Float(2), Seed: sdk.Int(seed)})
			if err != nil {
				t.Fatalf("completions %q seed %d: %v", full, seed, err)
			}
			ch := res.Choices[0]
			gen := strings.TrimPrefix(ch.Text, full)
			if joint := tok.Encode(cont + gen); len(joint) < len(contIDs) || !slices.Equal(joint[:len(contIDs)], contIDs) {
				merged++
			}
			lp := ch.Logprobs
			if len(lp.Tokens) != len(lp.TokenLogprobs) || len(lp.Tokens) != len(lp.TextOffset) || len(lp.Tokens) != len(lp.TopLogprobs) {
				t.Fatalf("logprobs of %q: %d tokens, %d logprobs, %d offsets, %d top", full, len(lp.Tokens), len(lp.TokenLogprobs), len(lp.TextOffset), len(lp.TopLogprobs))
			}
			var sum float64
			n := 0
			for i, off := range lp.TextOffset {
				if int(off) >= start && int(off) < utf8.RuneCountInString(full) {
					sum += lp.TokenLogprobs[i]
					n++
				}
			}
			if n != want.Tokens || math.Abs(sum-want.LogProb) > 1e-4 {
				t.Errorf("echo %q + generated %q (seed %d): %d tokens, log-prob %.6f; native Score %d tokens, %.6f",
					full, gen, seed, n, sum, want.Tokens, want.LogProb)
			}
		}
	}
	if merged == 0 {
		t.Fatal("no generated token would have merged with the prompt's last token; the test checks nothing")
	}
	t.Logf("%d of %d answers generated a token that merges across the boundary", merged, 5*seeds)
}

// TestServeUTF8SplitTokens: "é" is two byte tokens; echoed, both get the
// character offset of "é" (not one past the text) and U+FFFD as text, and
// the chat schema's bytes rebuild the generated text exactly.
func TestServeUTF8SplitTokens(t *testing.T) {
	m := seanCheckpoint(t)
	url := startNativeServer(t, m, serveOptions{Name: "tiny"})
	client := sdkClient(url)
	ctx := context.Background()
	const text = "Sean is in Yaoundé"
	res, err := client.Completions.New(ctx, sdk.CompletionNewParams{
		Model: "tiny", Prompt: sdk.CompletionNewParamsPromptUnion{OfString: sdk.String(text)},
		Echo: sdk.Bool(true), Logprobs: sdk.Int(2), MaxTokens: sdk.Int(0)})
	if err != nil {
		t.Fatal(err)
	}
	lp := res.Choices[0].Logprobs
	eAt := int64(utf8.RuneCountInString("Sean is in Yaound"))
	var split []int64
	for i, tk := range lp.Tokens {
		if lp.TextOffset[i] >= int64(utf8.RuneCountInString(text)) {
			t.Errorf("token %d %q at character %d, past the text (%d characters)", i, tk, lp.TextOffset[i], utf8.RuneCountInString(text))
		}
		if tk == "\ufffd" {
			split = append(split, lp.TextOffset[i])
		}
		if len(lp.TopLogprobs[i]) < 2 {
			t.Errorf("token %d %q: top_logprobs %v; want 2 alternatives or more (logprobs: 2)", i, tk, lp.TopLogprobs[i])
		}
	}
	if !slices.Equal(split, []int64{eAt, eAt}) {
		t.Errorf("offsets of the two byte tokens of é = %v; want [%d %d] (tokens %q)", split, eAt, eAt, lp.Tokens)
	}

	chat, err := client.Chat.Completions.New(ctx, sdk.ChatCompletionNewParams{
		Model: "tiny", Messages: []sdk.ChatCompletionMessageParamUnion{sdk.UserMessage("Where is Sean?")},
		Logprobs: sdk.Bool(true), TopLogprobs: sdk.Int(3), MaxTokens: sdk.Int(12), Temperature: sdk.Float(0)})
	if err != nil {
		t.Fatal(err)
	}
	content := chat.Choices[0].Logprobs.Content
	if len(content) == 0 || int64(len(content)) != chat.Usage.CompletionTokens {
		t.Fatalf("chat logprobs: %d tokens for %d completion tokens", len(content), chat.Usage.CompletionTokens)
	}
	var raw []byte
	for i, c := range content {
		for _, b := range c.Bytes {
			raw = append(raw, byte(b))
		}
		if len(c.TopLogprobs) != 3 || c.TopLogprobs[0].Logprob < c.Logprob-1e-6 || c.Logprob > 0 {
			t.Errorf("chat token %d %q (%v): top_logprobs %+v; want 3, the first at least as likely", i, c.Token, c.Logprob, c.TopLogprobs)
		}
	}
	// Greedy: the chosen token is the most likely one.
	if content[0].Token != content[0].TopLogprobs[0].Token {
		t.Errorf("greedy chat token %q is not the top alternative %q", content[0].Token, content[0].TopLogprobs[0].Token)
	}
	if msg := chat.Choices[0].Message.Content; strings.ToValidUTF8(string(raw), "\ufffd") != msg && string(raw) != msg {
		t.Errorf("bytes of the chat tokens spell %q; message is %q", raw, msg)
	}
}

// TestServeAPIKeyAndNoEcho: with --api-key-env, requests without the key
// or with a wrong one get 401 and an OpenAI error; with --no-echo the
// prompt is not echoed and only the generated tokens' log-probabilities
// (with top_logprobs) come back.
func TestServeAPIKeyAndNoEcho(t *testing.T) {
	m := seanCheckpoint(t)
	t.Setenv("CEM_TEST_SERVE_KEY", "sk-right")
	opts := serveOptions{Name: "tiny", APIKeyEnv: "CEM_TEST_SERVE_KEY", NoEcho: true}
	if err := resolveAPIKey(&opts); err != nil {
		t.Fatal(err)
	}
	url := startNativeServer(t, m, opts)
	ctx := context.Background()
	params := sdk.CompletionNewParams{Model: "tiny", Prompt: sdk.CompletionNewParamsPromptUnion{OfString: sdk.String("Sean is in")},
		Echo: sdk.Bool(true), Logprobs: sdk.Int(3), MaxTokens: sdk.Int(2), Temperature: sdk.Float(0)}
	for name, key := range map[string]string{"wrong key": "sk-wrong", "no key": ""} {
		c := sdk.NewClient(option.WithBaseURL(url), option.WithAPIKey(key), option.WithMaxRetries(0))
		if key == "" {
			c = sdk.NewClient(option.WithBaseURL(url), option.WithMaxRetries(0), option.WithHeaderDel("Authorization"))
		}
		_, err := c.Completions.New(ctx, params)
		var apiErr *sdk.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || apiErr.Code != "invalid_api_key" {
			t.Errorf("%s: err = %v; want 401 invalid_api_key", name, err)
		}
	}
	right := sdkClient(url, option.WithAPIKey("sk-right"))
	res, err := right.Completions.New(ctx, params)
	if err != nil {
		t.Fatalf("with the key: %v", err)
	}
	ch := res.Choices[0]
	if strings.HasPrefix(ch.Text, "Sean is in") {
		t.Errorf("--no-echo: text %q echoes the prompt", ch.Text)
	}
	lp := ch.Logprobs
	if int64(len(lp.Tokens)) != res.Usage.CompletionTokens || len(lp.Tokens) == 0 {
		t.Fatalf("--no-echo: %d logprob tokens for %d generated", len(lp.Tokens), res.Usage.CompletionTokens)
	}
	for i, top := range lp.TopLogprobs {
		if len(top) < 3 {
			t.Errorf("--no-echo: generated token %d top_logprobs %v; want 3 or more", i, top)
		}
		if lp.TextOffset[i] < int64(len("Sean is in")) {
			t.Errorf("--no-echo: token %d at offset %d, inside the prompt", i, lp.TextOffset[i])
		}
	}
	if err := resolveAPIKey(&serveOptions{APIKeyEnv: "CEM_TEST_SERVE_UNSET_KEY"}); err == nil {
		t.Error("--api-key-env naming an unset variable was accepted")
	}
}
