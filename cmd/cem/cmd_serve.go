package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
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
			return nil
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
		ChatPrompt: func(msgs []serve.Message) (string, error) {
			p, err := serve.DefaultChatPrompt(msgs)
			return tokenizer.InstToken + p + tokenizer.RespToken, err
		},
	})
}

// nativeEngine adapts a native model to serve.Engine: texts are raw text
// after <|begin|>, with special token names read as the special tokens.
type nativeEngine struct{ m *native.Model }

var _ serve.TokenEngine = (*nativeEngine)(nil)

// ContextSize implements serve.TokenEngine: the positions after <|begin|>.
func (e *nativeEngine) ContextSize() int { return e.m.RawContext() }

// CountTokens implements serve.TokenEngine.
func (e *nativeEngine) CountTokens(text string) int { return len(e.m.RawTokens(text)) }

// CompleteTokens implements serve.TokenEngine.
func (e *nativeEngine) CompleteTokens(ctx context.Context, req model.GenerateRequest) (serve.Completion, error) {
	c, err := e.m.CompleteRaw(ctx, req)
	return serve.Completion{Text: c.Text, Tokens: c.Tokens, Length: c.Length}, err
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
