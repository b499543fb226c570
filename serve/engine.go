package serve

import (
	"context"

	"github.com/cemlab/cem/model"
)

// Token is one token of a scored text.
type Token struct {
	Text   string // the token's text; the Texts of all tokens concatenate to the scored text
	Offset int    // byte offset of the token in the scored text
	// LogProb is the natural-log probability of the token given all text
	// before it. HasLogProb is false when the engine cannot say (for example
	// the first token of an engine without a beginning-of-text token); the
	// server then reports null, as OpenAI-compatible servers do.
	LogProb    float64
	HasLogProb bool
}

// Engine is what the server needs of a model. Implementations must be safe
// for concurrent use.
type Engine interface {
	// Tokens tokenizes text and scores every token given the text before it.
	// The Texts of the result concatenate to text.
	Tokens(ctx context.Context, text string) ([]Token, error)
	// Complete continues req.Prompt (raw text, no template applied) and
	// returns only the new text. It honours MaxTokens, Temperature, Stop and
	// Seed. (It is not named Generate so that one type can be both an
	// Engine and a model.Model.)
	Complete(ctx context.Context, req model.GenerateRequest) (string, error)
}

// Completion is what a TokenEngine's CompleteTokens returns.
type Completion struct {
	Text   string // the new text, cut at the first stop string
	Tokens int    // tokens generated
	// Length is true when generation ended because it had generated
	// MaxTokens tokens, not at the end of text or a stop string.
	Length bool
}

// TokenEngine is an Engine with a bounded context that counts its own
// tokens. With one the server keeps every request inside the context: a
// prompt longer than the context is rejected with 400, max_tokens is
// lowered to the room the prompt leaves (the answer then ends with
// finish_reason "length"), and usage and finish_reason come from the
// engine's own count of the tokens it generated.
type TokenEngine interface {
	Engine
	// ContextSize is the most tokens a prompt and its completion may
	// take together.
	ContextSize() int
	// CountTokens is the number of tokens text takes as a prompt.
	CountTokens(text string) int
	// CompleteTokens is Complete that also reports how many tokens it
	// generated and whether MaxTokens ended the generation.
	CompleteTokens(ctx context.Context, req model.GenerateRequest) (Completion, error)
}
