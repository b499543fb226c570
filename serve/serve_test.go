package serve_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cemlab/cem/model/modeltest"
	"github.com/cemlab/cem/serve"
)

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := serve.New(&modeltest.Toy{Reply: func(string) string { return " The Nile is longer. Q: next" }}, serve.Options{ModelName: "toy"})
	if err != nil {
		t.Fatal(err)
	}
	return newServerFor(t, s)
}

func newServerFor(t *testing.T, s *serve.Server) *httptest.Server {
	t.Helper()
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs
}

func post(t *testing.T, hs *httptest.Server, path, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(hs.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestCompletionEchoLogprobs(t *testing.T) {
	hs := newServer(t)
	code, body := post(t, hs, "/v1/completions", `{"model":"toy","prompt":"Capital of Chad: N'Djamena","echo":true,"logprobs":1,"max_tokens":0}`)
	if code != 200 {
		t.Fatalf("status = %d; body %s", code, body)
	}
	var resp struct {
		Choices []struct {
			Text     string
			Logprobs struct {
				Tokens        []string   `json:"tokens"`
				TokenLogprobs []*float64 `json:"token_logprobs"`
				TextOffset    []int      `json:"text_offset"`
			}
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
		}
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	c := resp.Choices[0]
	toks, offs := modeltest.Tokenize("Capital of Chad: N'Djamena")
	if c.Text != "Capital of Chad: N'Djamena" || strings.Join(c.Logprobs.Tokens, "|") != strings.Join(toks, "|") {
		t.Errorf("echo = %q, tokens %q; want the prompt and its tokens %q", c.Text, c.Logprobs.Tokens, toks)
	}
	if c.Logprobs.TokenLogprobs[0] != nil {
		t.Errorf("first token logprob = %v; want null", *c.Logprobs.TokenLogprobs[0])
	}
	for i := 1; i < len(toks); i++ {
		if lp := c.Logprobs.TokenLogprobs[i]; lp == nil || *lp != modeltest.LogProb(toks[i-1], toks[i]) {
			t.Errorf("token %d logprob = %v; want %v", i, lp, modeltest.LogProb(toks[i-1], toks[i]))
		}
		if c.Logprobs.TextOffset[i] != offs[i] {
			t.Errorf("token %d offset = %d; want %d", i, c.Logprobs.TextOffset[i], offs[i])
		}
	}
	if resp.Usage.PromptTokens != len(toks) || resp.Usage.CompletionTokens != 0 || c.FinishReason != "length" {
		t.Errorf("usage = %+v, finish %q; want %d prompt tokens, 0 completion, length", resp.Usage, c.FinishReason, len(toks))
	}
}

// events reads an SSE body into its data payloads.
func events(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, data)
		}
	}
	return out
}

func TestStreaming(t *testing.T) {
	hs := newServer(t)
	tests := []struct {
		path, body string
		text       func(chunk map[string]any) string
	}{
		{"/v1/completions", `{"prompt":"Which river?","max_tokens":32,"stop":[" Q:"],"stream":true}`,
			func(c map[string]any) string { return c["text"].(string) }},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":"Which river?"}],"stop":" Q:","stream":true}`,
			func(c map[string]any) string { s, _ := c["delta"].(map[string]any)["content"].(string); return s }},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := post(t, hs, tt.path, tt.body)
			ev := events(t, body)
			if code != 200 || len(ev) < 3 || ev[len(ev)-1] != "[DONE]" {
				t.Fatalf("status %d, events %q; want chunks ending in [DONE]", code, ev)
			}
			var text, finish string
			for _, e := range ev[:len(ev)-1] {
				var chunk struct{ Choices []map[string]any }
				if err := json.Unmarshal([]byte(e), &chunk); err != nil {
					t.Fatalf("event %q: %v", e, err)
				}
				text += tt.text(chunk.Choices[0])
				if f, ok := chunk.Choices[0]["finish_reason"].(string); ok {
					finish = f
				}
			}
			if text != " The Nile is longer." || finish != "stop" {
				t.Errorf("streamed text %q, finish %q; want %q, stop", text, finish, " The Nile is longer.")
			}
		})
	}
}

func TestRequestErrors(t *testing.T) {
	hs := newServer(t)
	tests := []struct {
		path, body string
		want       int
	}{
		{"/v1/completions", `{"prompt":`, 400},
		{"/v1/completions", `{"prompt":"x","n":2}`, 400},
		{"/v1/completions", `{"prompt":"x","max_tokens":-1}`, 400},
		{"/v1/completions", `{"max_tokens":1}`, 400},
		{"/v1/completions", `{"prompt":"x","logprobs":1,"stream":true}`, 400},
		{"/v1/chat/completions", `{"messages":[]}`, 400},
		{"/v1/chat/completions", `{"messages":[{"role":"tool","content":"x"}]}`, 400},
		{"/v1/embeddings", `{}`, 404},
	}
	for _, tt := range tests {
		code, body := post(t, hs, tt.path, tt.body)
		var e struct{ Error struct{ Message string } }
		if code != tt.want || json.Unmarshal([]byte(body), &e) != nil || e.Error.Message == "" {
			t.Errorf("POST %s %s = %d %s; want %d with an error message", tt.path, tt.body, code, body, tt.want)
		}
	}
}

func TestModels(t *testing.T) {
	hs := newServer(t)
	resp, err := http.Get(hs.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Data []struct{ ID string } }
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Data) != 1 || list.Data[0].ID != "toy" {
		t.Errorf("/v1/models = %+v, %v; want one model toy", list, err)
	}
	if _, err := serve.New(nil, serve.Options{}); err == nil {
		t.Error("New(nil) succeeded; want an error")
	}
}
