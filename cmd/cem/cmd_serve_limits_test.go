package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/nn"
)

// shortCheckpoint pretrains a small model with 32 positions (31 after
// <|begin|>), so that requests reach the end of its context.
func shortCheckpoint(t *testing.T) *native.Model {
	t.Helper()
	m, err := native.Open(shortCheckpointDir(t))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// shortCheckpointDir is the folder of a shortCheckpoint.
func shortCheckpointDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ckpt")
	cfg := nn.Config{Vocab: 300, Dim: 32, Layers: 2, Heads: 2, FFN: 64, MaxSeq: 32}
	texts := []string{"N'Djamena is the capital of Chad.", "Paris is the capital of France. Lyon is a city."}
	if _, err := native.Pretrain(context.Background(), texts, nil, native.PretrainOptions{
		Config: &cfg, Train: native.Options{Steps: 2, BatchTokens: 64, SeqLen: 32, Out: dir}}); err != nil {
		t.Fatalf("Pretrain: %v", err)
	}
	return dir
}

// apiAnswer is the part of a completions or chat answer the tests read.
type apiAnswer struct {
	Choices []struct {
		Text         string `json:"text"`
		Message      struct{ Content string }
		FinishReason string `json:"finish_reason"`
	}
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	}
	Error struct {
		Message string
		Type    string
		Code    *string
	}
}

func postJSON(t *testing.T, url, body string) (int, apiAnswer) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var a apiAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("POST %s %s: status %d, body %q: %v", url, body, resp.StatusCode, b, err)
	}
	return resp.StatusCode, a
}

func startNativeServer(t *testing.T, m *native.Model, opts serveOptions) string {
	t.Helper()
	srv, err := newNativeServer(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL + "/v1"
}

// TestServeContextLimit: a completion that runs into the end of the
// context stops there with finish_reason "length" and its text (not 500);
// a prompt that alone is longer than the context gets 400 naming both
// sizes.
func TestServeContextLimit(t *testing.T) {
	m := shortCheckpoint(t)
	size := m.RawContext()
	url := startNativeServer(t, m, serveOptions{Name: "short", ChatMaxTokens: 256})

	// Chat with the default budget (256, above the 31 positions).
	code, a := postJSON(t, url+"/chat/completions", `{"messages":[{"role":"user","content":"Capital of Chad?"}],"temperature":0}`)
	if code != 200 {
		t.Fatalf("chat with the default max_tokens: status %d, error %+v; want 200", code, a.Error)
	}
	if got := a.Usage.PromptTokens + a.Usage.CompletionTokens; a.Choices[0].FinishReason != "length" || got != size || a.Choices[0].Message.Content == "" {
		t.Errorf("chat: finish %q, %d+%d tokens, text %q; want length, %d tokens in all, the text so far",
			a.Choices[0].FinishReason, a.Usage.PromptTokens, a.Usage.CompletionTokens, a.Choices[0].Message.Content, size)
	}

	// A completion asking for more than fits.
	prompt := "Paris is the capital of"
	pn := len(m.RawTokens(prompt))
	code, a = postJSON(t, url+"/completions", fmt.Sprintf(`{"prompt":%q,"max_tokens":100,"temperature":0}`, prompt))
	if code != 200 || a.Choices[0].FinishReason != "length" || a.Usage.PromptTokens != pn || a.Usage.CompletionTokens != size-pn {
		t.Errorf("completion of %d prompt tokens, max_tokens 100: status %d, finish %q, usage %+v; want 200, length, %d+%d",
			pn, code, a.Choices[0].FinishReason, a.Usage, pn, size-pn)
	}
	want, err := m.GenerateRaw(context.Background(), []model.GenerateRequest{{Prompt: prompt, MaxTokens: size - pn}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Choices[0].Text != want[0] {
		t.Errorf("completion text = %q; GenerateRaw with the room left gives %q", a.Choices[0].Text, want[0])
	}

	// Prompts longer than the context, alone.
	long := strings.Repeat("Paris is the capital of France. ", 20)
	ln := len(m.RawTokens(long))
	for _, tt := range []struct{ path, body string }{
		{"/completions", fmt.Sprintf(`{"prompt":%q,"max_tokens":4}`, long)},
		{"/completions", fmt.Sprintf(`{"prompt":%q,"max_tokens":0,"echo":true,"logprobs":1}`, long)},
		{"/chat/completions", fmt.Sprintf(`{"messages":[{"role":"user","content":%q}]}`, long)},
	} {
		code, a := postJSON(t, url+tt.path, tt.body)
		if code != 400 || a.Error.Type != "invalid_request_error" || a.Error.Code == nil || *a.Error.Code != "context_length_exceeded" {
			t.Errorf("%s with a %d-token prompt: status %d, error %+v; want 400 context_length_exceeded", tt.path, ln, code, a.Error)
			continue
		}
		if !strings.Contains(a.Error.Message, fmt.Sprint(size)) || !strings.Contains(a.Error.Message, " tokens") {
			t.Errorf("%s: error %q; want the prompt's token count and the context size %d", tt.path, a.Error.Message, size)
		}
	}
	if code, a := postJSON(t, url+"/completions", fmt.Sprintf(`{"prompt":%q,"max_tokens":4}`, long)); code == 400 &&
		!strings.Contains(a.Error.Message, fmt.Sprint(ln)) {
		t.Errorf("error %q does not name the prompt's %d tokens", a.Error.Message, ln)
	}
}

// TestServeMaxTokensExact: max_tokens N gives N tokens and finish_reason
// "length" when the budget, not a stop, ended the generation; a stop
// string gives "stop".
func TestServeMaxTokensExact(t *testing.T) {
	m := shortCheckpoint(t)
	url := startNativeServer(t, m, serveOptions{Name: "short"})
	for _, n := range []int{1, 5, 16} {
		code, a := postJSON(t, url+"/completions", fmt.Sprintf(`{"prompt":"The capital","max_tokens":%d,"temperature":0}`, n))
		if code != 200 || a.Usage.CompletionTokens != n || a.Choices[0].FinishReason != "length" {
			t.Errorf("max_tokens %d: status %d, %d completion tokens, finish %q; want %d, length",
				n, code, a.Usage.CompletionTokens, a.Choices[0].FinishReason, n)
		}
	}
	_, a := postJSON(t, url+"/completions", `{"prompt":"The capital","max_tokens":16,"temperature":0}`)
	text := a.Choices[0].Text
	if len(text) < 2 {
		t.Fatalf("completion %q too short to cut", text)
	}
	stop := text[len(text)/2:]
	_, a = postJSON(t, url+"/completions", fmt.Sprintf(`{"prompt":"The capital","max_tokens":16,"temperature":0,"stop":[%q]}`, stop))
	if a.Choices[0].FinishReason != "stop" || strings.Contains(a.Choices[0].Text, stop) {
		t.Errorf("with stop %q: text %q, finish %q; want the text cut before it and stop", stop, a.Choices[0].Text, a.Choices[0].FinishReason)
	}
}

// TestServeRejectsBadSampling: out-of-range sampling parameters get 400.
func TestServeRejectsBadSampling(t *testing.T) {
	m := shortCheckpoint(t)
	url := startNativeServer(t, m, serveOptions{Name: "short"})
	chat := `"messages":[{"role":"user","content":"Hi"}]`
	comp := `"prompt":"Hi"`
	tests := []struct {
		param string
		ok    bool
	}{
		{`"temperature":-0.5`, false}, {`"temperature":2.5`, false}, {`"temperature":0`, true}, {`"temperature":2`, true},
		{`"top_p":0`, false}, {`"top_p":-1`, false}, {`"top_p":1.01`, false}, {`"top_p":1`, true}, {`"top_p":0.5`, true},
		{`"n":0`, false}, {`"n":-1`, false}, {`"n":2`, false}, {`"n":1`, true},
		{`"max_tokens":-1`, false}, {`"max_tokens":0`, true},
	}
	for _, tt := range tests {
		for _, ep := range []struct{ path, fields string }{{"/completions", comp}, {"/chat/completions", chat}} {
			code, a := postJSON(t, url+ep.path, "{"+ep.fields+","+tt.param+`,"max_completion_tokens":null}`)
			switch {
			case tt.ok && code != 200:
				t.Errorf("%s %s: status %d, error %+v; want 200", ep.path, tt.param, code, a.Error)
			case !tt.ok && (code != 400 || a.Error.Type != "invalid_request_error" || a.Error.Message == ""):
				t.Errorf("%s %s: status %d, error %+v; want 400 invalid_request_error", ep.path, tt.param, code, a.Error)
			}
		}
	}
}

// TestServeSlowClients starts cem serve's http.Server on loopback and
// sends requests whose bodies stall: the server must close every such
// connection after its read timeout, close idle connections, and answer
// an oversized body with 413.
func TestServeSlowClients(t *testing.T) {
	m := shortCheckpoint(t)
	opts := serveOptions{Name: "short", MaxBodyBytes: 1024,
		ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 400 * time.Millisecond, IdleTimeout: 400 * time.Millisecond}
	srv, err := newNativeServer(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := newHTTPServer(srv, opts)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	addr := ln.Addr().String()

	// closed reports whether the server closed conn (after any answer)
	// before the test's own bound, 15 s from the start of this check, far
	// above the server's timeouts.
	bound := time.Now().Add(15 * time.Second)
	closed := func(conn net.Conn) error {
		conn.SetReadDeadline(bound)
		_, err := io.Copy(io.Discard, conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return errors.New("still open after 15 s")
		}
		return nil
	}
	const slow = 20
	conns := make([]net.Conn, slow)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Headers complete, 10 bytes of a promised 500-byte body, then nothing.
		fmt.Fprintf(c, "POST /v1/completions HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"prompt\":", addr)
		conns[i] = c
	}
	for i, c := range conns {
		if err := closed(c); err != nil {
			t.Errorf("slow-body connection %d: %v", i, err)
		}
	}
	// Headers that never finish.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/completions HTTP/1.1\r\nHost: %s\r\n", addr)
	if err := closed(c); err != nil {
		t.Errorf("slow-header connection: %v", err)
	}
	// An idle kept-alive connection after one complete request.
	c, err = net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /v1/models HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /v1/models: %v, %v", resp, err)
	}
	if err := closed(c); err != nil {
		t.Errorf("idle connection: %v", err)
	}
	// An oversized body.
	big := fmt.Sprintf(`{"prompt":%q}`, strings.Repeat("a", 4096))
	r, err := http.Post("http://"+addr+"/v1/completions", "application/json", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "1024 bytes") {
		t.Errorf("%d-byte body: status %d, body %s; want 413 naming the 1024-byte limit", len(big), r.StatusCode, b)
	}
}
