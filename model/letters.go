package model

import "context"

// LetterRequest asks for the log-probabilities that the first token a
// model generates after Prompt is each of Letters ("A", "B", ...): how a
// multiple-choice item is scored by a server that reports the first
// generated token's top log-probabilities but not the prompt's.
type LetterRequest struct {
	Prompt  string
	Letters []string
	Seed    int64
}

// LetterScorer is a Model that can answer LetterRequests.
type LetterScorer interface {
	// ScoreLetters returns, per request, one natural-log probability per
	// letter (-Inf for a letter that is not among the top tokens the
	// server returned), or a nil slice when the response carried no top
	// log-probabilities for any letter; the caller then falls back to a
	// generated letter. An error wrapping ErrNoLogprobs means the server
	// never returns top log-probabilities.
	ScoreLetters(ctx context.Context, reqs []LetterRequest) ([][]float64, error)
}
