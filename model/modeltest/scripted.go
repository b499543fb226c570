package modeltest

import (
	"context"
	"fmt"
	"sync"

	"github.com/cemlab/cem/model"
)

// Scripted is a model.Model for unit tests. Score looks each request up in
// Scores (exact match), then calls ScoreFunc, then fails; Generate looks
// the prompt up in Replies, then calls GenerateFunc, then fails. Err, when
// set, is returned by every call. Calls are recorded. Safe for concurrent
// use; set the fields before the first call.
type Scripted struct {
	Scores       map[model.ScoreRequest]float64
	ScoreFunc    func(model.ScoreRequest) (model.Score, error)
	Replies      map[string]string
	GenerateFunc func(model.GenerateRequest) (string, error)
	Err          error

	mu        sync.Mutex
	scored    []model.ScoreRequest
	generated []model.GenerateRequest
}

var _ model.Model = (*Scripted)(nil)

// Score implements model.Model. A table hit counts as one token.
func (s *Scripted) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	if err := s.begin(ctx, reqs, nil); err != nil {
		return nil, err
	}
	out := make([]model.Score, len(reqs))
	for i, r := range reqs {
		if lp, ok := s.Scores[r]; ok {
			out[i] = model.Score{LogProb: lp, Tokens: 1}
			continue
		}
		if s.ScoreFunc == nil {
			return nil, fmt.Errorf("scripted: no score for prompt %q continuation %q", r.Prompt, r.Continuation)
		}
		sc, err := s.ScoreFunc(r)
		if err != nil {
			return nil, err
		}
		out[i] = sc
	}
	return out, nil
}

// Generate implements model.Model.
func (s *Scripted) Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	if err := s.begin(ctx, nil, reqs); err != nil {
		return nil, err
	}
	out := make([]string, len(reqs))
	for i, r := range reqs {
		if text, ok := s.Replies[r.Prompt]; ok {
			out[i] = text
			continue
		}
		if s.GenerateFunc == nil {
			return nil, fmt.Errorf("scripted: no reply for prompt %q", r.Prompt)
		}
		text, err := s.GenerateFunc(r)
		if err != nil {
			return nil, err
		}
		out[i] = text
	}
	return out, nil
}

func (s *Scripted) begin(ctx context.Context, sr []model.ScoreRequest, gr []model.GenerateRequest) error {
	s.mu.Lock()
	s.scored = append(s.scored, sr...)
	s.generated = append(s.generated, gr...)
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.Err
}

// ScoreCalls returns a copy of every score request received so far.
func (s *Scripted) ScoreCalls() []model.ScoreRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]model.ScoreRequest(nil), s.scored...)
}

// GenerateCalls returns a copy of every generate request received so far.
func (s *Scripted) GenerateCalls() []model.GenerateRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]model.GenerateRequest(nil), s.generated...)
}
