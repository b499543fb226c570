package model

import (
	"context"
	"errors"
	"strings"
)

// ErrNoLogprobs is returned (possibly wrapped) by a Model's Score when the
// backend cannot report log-probabilities of a prompt's continuation, as
// with hosted chat models or servers that drop echo+logprobs. exam.Run
// answers it by grading multiple choice by generation (letter mode).
var ErrNoLogprobs = errors.New("no prompt log-probabilities (grade by generation: letter mode)")

// ScoreRequest asks for the log-probability of Continuation given Prompt.
// Prompt is an instruction (a question); the backend applies its own
// prompt template around it. Continuation is the text after the response
// marker, e.g. " N'Djamena" or "N'Djamena".
type ScoreRequest struct {
	Prompt       string
	Continuation string
}

// Score is the log-likelihood of a continuation.
type Score struct {
	LogProb float64 // sum of natural-log probabilities of the continuation tokens
	Tokens  int     // number of continuation tokens; LogProb/Tokens is the mean
}

// Mean returns the per-token mean log-probability (0 for an empty continuation).
func (s Score) Mean() float64 {
	if s.Tokens == 0 {
		return 0
	}
	return s.LogProb / float64(s.Tokens)
}

// GenerateRequest asks for a completion of Prompt.
type GenerateRequest struct {
	Prompt      string
	MaxTokens   int
	Temperature float64 // 0 means greedy
	Stop        []string
	Seed        int64
}

// CutAtStop cuts s before the earliest occurrence of any non-empty stop
// string and reports whether it cut.
func CutAtStop(s string, stops []string) (string, bool) {
	cut := -1
	for _, st := range stops {
		if i := strings.Index(s, st); st != "" && i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut < 0 {
		return s, false
	}
	return s[:cut], true
}

// Model is inference: scoring continuations and generating text.
type Model interface {
	Score(ctx context.Context, reqs []ScoreRequest) ([]Score, error)
	Generate(ctx context.Context, reqs []GenerateRequest) ([]string, error)
}

// Ref names a model a backend can open: a checkpoint folder for the
// native backend, a served model name for an OpenAI-compatible server.
type Ref struct {
	Backend string `json:"backend"`
	Path    string `json:"path,omitempty"`
	Name    string `json:"name,omitempty"`
	// Revision identifies what a server serves under Name (hashed with
	// it when there is no Path).
	Revision string `json:"revision,omitempty"`
}

// Example is one training example. CPT examples have only Text and train
// on every token. Instruction examples have Prompt and Text (the response)
// and train only on the response tokens.
type Example struct {
	ID     string  `json:"id"`
	Kind   string  `json:"kind"` // cpt, normative, extractive, review, general, replay
	Prompt string  `json:"prompt,omitempty"`
	Text   string  `json:"text"`
	Weight float64 `json:"weight,omitempty"` // loss weight; 0 means 1
	// Provenance: the passage or item this example was made from.
	Origin string `json:"origin,omitempty"`
}

// TrainSet is what a Trainer trains on: examples in a fixed order (already
// mixed and shuffled by the caller) and the folder they were written to,
// for trainers that read files.
type TrainSet struct {
	Dir      string
	Examples []Example
	Seed     int64
	// Round is the CEM round the set is for (0 when unknown).
	Round int
}

// Trainer turns a model and a training set into a new model.
type Trainer interface {
	Train(ctx context.Context, from Ref, set TrainSet) (Ref, error)
}
