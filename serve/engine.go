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
	// Top holds the most likely tokens at this position, most likely
	// first, when the engine was asked for them (see ScoringEngine).
	Top []TopToken
}

// TopToken is one of the most likely tokens at a position.
type TopToken struct {
	Text    string // the token's bytes (may split a UTF-8 character)
	LogProb float64
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

// Run is what a ScoringEngine's Run returns: the generation, and the
// scored tokens of the prompt and of the generation.
type Run struct {
	Completion
	// Prompt holds the tokens of the prompt as tokenized alone, offsets
	// counted in the prompt; Generated the generated tokens, offsets
	// counted from the end of the prompt. Both are empty unless scoring
	// was asked for. Generated holds every generated token up to and
	// including the one where Text was cut at a stop string.
	Prompt, Generated []Token
}

// ScoringEngine is a TokenEngine that scores by token id: the tokens it
// reports are exactly the prompt's tokens followed by the generated ones,
// never a re-tokenization of prompt and generated text together (where
// a prompt's last token and the first generated one could merge). With
// one the server reports log-probabilities, echo scoring and top
// alternatives from Run.
type ScoringEngine interface {
	TokenEngine
	// Run generates after req.Prompt as CompleteTokens does (MaxTokens 0
	// generates nothing) and, when top >= 0, scores every token of the
	// prompt and of the generation given all before it, with the top
	// most likely tokens at each position. The first prompt token has a
	// log-probability only when the engine starts texts with a
	// beginning-of-text token.
	Run(ctx context.Context, req model.GenerateRequest, top int) (Run, error)
}
