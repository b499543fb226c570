package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/serve"
	"github.com/cemlab/cem/tokenizer"
)

// serveOptions are the flags of `cem serve`.
type serveOptions struct {
	Addr          string
	Name          string
	ChatMaxTokens int
	MaxBodyBytes  int64
	APIKey        string // --api-key
	APIKeyEnv     string // --api-key-env: the variable holding the key
	NoEcho        bool
	// Slow-client limits; zero selects the defaults above newHTTPServer.
	ReadHeaderTimeout, ReadTimeout, IdleTimeout time.Duration
}

func newServeCommand() *cobra.Command {
	var opts serveOptions
	cmd := &cobra.Command{
		Use:   "serve CKPT",
		Short: "Serve a built-in model checkpoint over the OpenAI API",
		Long: `Serve answers GET /v1/models, POST /v1/completions (echo, logprobs,
max_tokens, temperature, stop, seed, stream) and POST /v1/chat/completions
(streaming too) with the checkpoint folder CKPT, so that evaluation
harnesses, the openai client libraries and cem's own openai backend can use
it. Special token names in prompts (<|inst|>, <|resp|>, <|end|>) are read as
the special tokens: the completions prompt "<|inst|>Q<|resp|>" is the
model's instruction format, and chat requests are put in it. Stop with
Ctrl-C.`,
		Args: cobra.ExactArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.Addr == "" {
				return usagef("serve: --addr is required")
			}
			return resolveAPIKey(&opts)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), args[0], opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "listen address (host:port; \":8080\" listens on all interfaces)")
	cmd.Flags().StringVar(&opts.Name, "name", "cem", "model name reported by /v1/models")
	cmd.Flags().IntVar(&opts.ChatMaxTokens, "chat-max-tokens", 256, "generation budget of chat requests that name none (lowered to the room the prompt leaves in the context)")
	cmd.Flags().Int64Var(&opts.MaxBodyBytes, "max-body-bytes", defaultMaxBodyBytes, "largest request body; larger ones get 413")
	cmd.Flags().DurationVar(&opts.ReadTimeout, "read-timeout", defaultReadTimeout, "time a client has to send a request's headers and body")
	cmd.Flags().StringVar(&opts.APIKey, "api-key", "", "require \"Authorization: Bearer KEY\" on every request (401 otherwise)")
	cmd.Flags().StringVar(&opts.APIKeyEnv, "api-key-env", "", "read the API key from this environment variable (keeps it out of the process list)")
	cmd.Flags().BoolVar(&opts.NoEcho, "no-echo", false, "ignore echo in /v1/completions, as llama-server does (no prompt log-probabilities; generated tokens' top_logprobs still come back)")
	cmd.Flags().DurationVar(&opts.IdleTimeout, "idle-timeout", defaultIdleTimeout, "how long an idle kept-alive connection stays open")
	return cmd
}

func runServe(ctx context.Context, ckpt string, opts serveOptions, out io.Writer) error {
	m, err := openModel(ckpt)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv, err := newNativeServer(m, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return usageError{fmt.Errorf("serve: %w", err)}
	}
	hs := newHTTPServer(srv, opts)
	fmt.Fprintf(out, "serving %s as %q on http://%s/v1\n", ckpt, opts.Name, ln.Addr())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		return ctx.Err()
	}
}

// resolveAPIKey fills opts.APIKey from the variable --api-key-env names;
// giving both flags, or naming an unset or empty variable, is a usage
// error.
func resolveAPIKey(opts *serveOptions) error {
	if opts.APIKeyEnv == "" {
		return nil
	}
	if opts.APIKey != "" {
		return usagef("serve: give --api-key or --api-key-env, not both")
	}
	key := strings.TrimSpace(os.Getenv(opts.APIKeyEnv))
	if key == "" {
		return usagef("serve: --api-key-env %s: the variable is unset or empty", opts.APIKeyEnv)
	}
	opts.APIKey = key
	return nil
}

// Limits of `cem serve` on slow or idle clients (their zero values in
// serveOptions select these).
const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 30 * time.Second // headers and body together
	defaultIdleTimeout       = 60 * time.Second // between requests on a kept-alive connection
	defaultMaxBodyBytes      = 8 << 20
)

// newHTTPServer is the http.Server of `cem serve`: a client that sends
// its headers or body too slowly, or keeps a connection idle too long, is
// disconnected, and bodies over MaxBodyBytes get 413 (from serve.Server).
// There is no write timeout: a long generation is not cut off.
func newHTTPServer(h http.Handler, opts serveOptions) *http.Server {
	or := func(d, def time.Duration) time.Duration {
		if d > 0 {
			return d
		}
		return def
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: or(opts.ReadHeaderTimeout, defaultReadHeaderTimeout),
		ReadTimeout:       or(opts.ReadTimeout, defaultReadTimeout),
		IdleTimeout:       or(opts.IdleTimeout, defaultIdleTimeout),
	}
}

// newNativeServer wraps a native model in the OpenAI API.
func newNativeServer(m *native.Model, opts serveOptions) (*serve.Server, error) {
	body := opts.MaxBodyBytes
	if body <= 0 {
		body = defaultMaxBodyBytes
	}
	return serve.New(&nativeEngine{m: m}, serve.Options{
		ModelName:     opts.Name,
		ChatMaxTokens: opts.ChatMaxTokens,
		MaxBodyBytes:  body,
		APIKey:        opts.APIKey,
		NoEcho:        opts.NoEcho,
		ChatPrompt: func(msgs []serve.Message) (string, error) {
			p, err := serve.DefaultChatPrompt(msgs)
			return tokenizer.InstToken + p + tokenizer.RespToken, err
		},
	})
}

// nativeEngine adapts a native model to serve.Engine: texts are raw text
// after <|begin|>, with special token names read as the special tokens.
type nativeEngine struct{ m *native.Model }

var _ serve.ScoringEngine = (*nativeEngine)(nil)

// ContextSize implements serve.TokenEngine: the positions after <|begin|>.
func (e *nativeEngine) ContextSize() int { return e.m.RawContext() }

// CountTokens implements serve.TokenEngine.
func (e *nativeEngine) CountTokens(text string) int { return len(e.m.RawTokens(text)) }

// CompleteTokens implements serve.TokenEngine.
func (e *nativeEngine) CompleteTokens(ctx context.Context, req model.GenerateRequest) (serve.Completion, error) {
	c, err := e.m.CompleteRaw(ctx, req)
	return serve.Completion{Text: c.Text, Tokens: c.Tokens, Length: c.Length}, err
}

// Run implements serve.ScoringEngine: generation as CompleteTokens, then
// one teacher-forced pass over the prompt's own token ids followed by the
// generated ids, so nothing is re-tokenized across the boundary.
func (e *nativeEngine) Run(ctx context.Context, req model.GenerateRequest, top int) (serve.Run, error) {
	var r serve.Run
	var gen []int
	if req.MaxTokens > 0 {
		c, err := e.m.CompleteRaw(ctx, req)
		if err != nil {
			return r, err
		}
		r.Completion = serve.Completion{Text: c.Text, Tokens: c.Tokens, Length: c.Length}
		gen = c.IDs
	}
	if top < 0 {
		return r, nil
	}
	prompt := e.m.RawTokens(req.Prompt)
	scores, err := e.m.RawScoreIDs(ctx, append(slices.Clip(prompt), gen...), top)
	if err != nil {
		return r, err
	}
	tok := e.m.Checkpoint().Tok
	text := func(id int) string { return tok.Decode([]int{id}) }
	at := 0
	for i, sc := range scores {
		if i == len(prompt) {
			at = 0 // generated offsets count from the end of the prompt
		}
		t := serve.Token{Text: text(sc.ID), Offset: at, LogProb: sc.LogProb, HasLogProb: true}
		for _, a := range sc.Top {
			t.Top = append(t.Top, serve.TopToken{Text: text(a.ID), LogProb: a.LogProb})
		}
		at += len(t.Text)
		if i < len(prompt) {
			r.Prompt = append(r.Prompt, t)
		} else {
			r.Generated = append(r.Generated, t)
		}
	}
	return r, nil
}

// Tokens implements serve.Engine: every token of text scored after <|begin|>.
func (e *nativeEngine) Tokens(ctx context.Context, text string) ([]serve.Token, error) {
	ids, lps, err := e.m.RawLogProbs(ctx, text)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	tok := e.m.Checkpoint().Tok
	out := make([]serve.Token, len(ids))
	at := 0
	for i, id := range ids {
		s := tok.Decode([]int{id})
		out[i] = serve.Token{Text: s, Offset: at, LogProb: lps[i], HasLogProb: true}
		at += len(s)
	}
	if at != len(text) {
		return nil, fmt.Errorf("serve: tokens of the text do not spell it (%d bytes of %d)", at, len(text))
	}
	return out, nil
}

// Complete implements serve.Engine: generation after <|begin|> and prompt.
func (e *nativeEngine) Complete(ctx context.Context, req model.GenerateRequest) (string, error) {
	out, err := e.m.GenerateRaw(ctx, []model.GenerateRequest{req})
	if err != nil {
		return "", err
	}
	return out[0], nil
}
