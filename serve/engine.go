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
