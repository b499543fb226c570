package modeltest

import (
	"context"
	"errors"
	"hash/fnv"
	"unicode"
	"unicode/utf8"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/serve"
)

// Toy is a deterministic stand-in for a language model. Tokens are words
// with their leading spaces, or single other characters. The log-probability
// of a token depends only on the token before it and the token itself (a
// hash mapped into [-4.05, -0.05]); the first token of a text has none.
// Generation returns Reply(prompt), default " ok", cut to MaxTokens tokens
// and at the first stop string. The zero value is ready to use; Toy is
// safe for concurrent use.
type Toy struct {
	// Reply gives the generated text for a raw prompt. Default: " ok".
	Reply func(prompt string) string
}

var (
	_ serve.Engine = (*Toy)(nil)
	_ model.Model  = (*Toy)(nil)
)

// Tokenize splits text into the toy's tokens, with byte offsets.
func Tokenize(text string) (toks []string, offsets []int) {
	i := 0
	for i < len(text) {
		start := i
		for i < len(text) && text[i] == ' ' {
			i++
		}
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			j += n
		}
		if j == i && i < len(text) { // a single non-word character
			_, n := utf8.DecodeRuneInString(text[i:])
			j = i + n
		}
		toks = append(toks, text[start:j])
		offsets = append(offsets, start)
		i = j
	}
	return toks, offsets
}

// LogProb is the toy's log-probability of tok after prev.
func LogProb(prev, tok string) float64 {
	h := fnv.New64a()
	h.Write([]byte(prev))
	h.Write([]byte{0})
	h.Write([]byte(tok))
	return -0.05 - float64(h.Sum64()%4001)/1000
}

// Tokens implements serve.Engine.
func (t *Toy) Tokens(ctx context.Context, text string) ([]serve.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	toks, offs := Tokenize(text)
	out := make([]serve.Token, len(toks))
	for i, tok := range toks {
		out[i] = serve.Token{Text: tok, Offset: offs[i]}
		if i > 0 {
			out[i].LogProb, out[i].HasLogProb = LogProb(toks[i-1], tok), true
		}
	}
	return out, nil
}

// Complete implements serve.Engine.
func (t *Toy) Complete(ctx context.Context, req model.GenerateRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	reply := " ok"
	if t.Reply != nil {
		reply = t.Reply(req.Prompt)
	}
	toks, offs := Tokenize(reply)
	if req.MaxTokens >= 0 && len(toks) > req.MaxTokens {
		reply = reply[:offs[req.MaxTokens]]
	}
	reply, _ = model.CutAtStop(reply, req.Stop)
	return reply, nil
}

// Generate implements model.Model: Complete for each request.
func (t *Toy) Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		s, err := t.Complete(ctx, r)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// Score implements model.Model: the sum of the log-probabilities of the
// continuation's tokens in Prompt+Continuation, no template applied. A
// token that straddles the boundary counts as part of the prompt. It fails
// on an empty prompt (the first token has no log-probability).
func (t *Toy) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	out := make([]model.Score, len(reqs))
	for i, r := range reqs {
		if r.Prompt == "" {
			return nil, errors.New("toy: empty prompt")
		}
		toks, err := t.Tokens(ctx, r.Prompt+r.Continuation)
		if err != nil {
			return nil, err
		}
		for _, tok := range toks {
			if tok.Offset >= len(r.Prompt) {
				out[i].LogProb += tok.LogProb
				out[i].Tokens++
			}
		}
	}
	return out, nil
}
