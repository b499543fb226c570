package exam

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/cemlab/cem/model"
)

// How each item was answered (Result.Mode).
const (
	// AnsweredLikelihood: every choice scored as the prompt's continuation.
	AnsweredLikelihood = "likelihood"
	// AnsweredLetterLogprobs: the first answer token's log-probabilities
	// over the choice letters.
	AnsweredLetterLogprobs = "letter-logprobs"
	// AnsweredLetterGenerated: a generated answer, its letter extracted.
	AnsweredLetterGenerated = "letter-generated"
	// AnsweredOpen: an open item, answered by generation.
	AnsweredOpen = "open"
	// AnsweredFailed: the model failed on the item after its retries.
	AnsweredFailed = "failed"
)

// letterRequest is the letter request of a multiple-choice item.
func letterRequest(it *Item, seed int64) model.LetterRequest {
	n := min(len(it.Choices), len(Letters))
	ls := make([]string, n)
	for i := range n {
		ls[i] = Letters[i : i+1]
	}
	return model.LetterRequest{Prompt: LetterPrompt(it), Letters: ls, Seed: seed}
}

// scoreLetters asks m for the letter log-probabilities of reqs: through
// model.LetterScorer when m has it, else by scoring each letter as the
// continuation of the letter prompt. A nil result (and nil error) means
// the model has neither: every item falls back to a generated letter.
func scoreLetters(ctx context.Context, m model.Model, reqs []model.LetterRequest) ([][]float64, error) {
	if ls, ok := m.(model.LetterScorer); ok {
		out, err := ls.ScoreLetters(ctx, reqs)
		if errors.Is(err, model.ErrNoLogprobs) {
			return nil, nil
		}
		if err == nil && len(out) != len(reqs) {
			err = fmt.Errorf("model returned %d letter scores for %d requests", len(out), len(reqs))
		}
		return out, err
	}
	var sreqs []model.ScoreRequest
	for _, r := range reqs {
		for _, l := range r.Letters {
			sreqs = append(sreqs, model.ScoreRequest{Prompt: r.Prompt, Continuation: Continuation(l)})
		}
	}
	scores, err := m.Score(ctx, sreqs)
	if errors.Is(err, model.ErrNoLogprobs) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(scores) != len(sreqs) {
		return nil, fmt.Errorf("model returned %d scores for %d requests", len(scores), len(sreqs))
	}
	out := make([][]float64, len(reqs))
	at := 0
	for i, r := range reqs {
		out[i] = make([]float64, len(r.Letters))
		for j := range r.Letters {
			out[i][j] = scores[at].LogProb
			at++
		}
	}
	return out, nil
}

// gradeLetters fills a multiple-choice result from letter log-probs; it
// reports false when none is finite (no letter among the top tokens).
func gradeLetters(r *Result, it *Item, lps []float64) bool {
	finite := false
	for _, v := range lps {
		if !math.IsInf(v, -1) && !math.IsNaN(v) {
			finite = true
		}
	}
	if !finite || len(lps) == 0 {
		return false
	}
	gradeChoices(r, it, append([]float64(nil), lps...))
	for i, v := range r.Scores {
		if math.IsInf(v, -1) || math.IsNaN(v) {
			r.Scores[i] = AbsentLogProb // JSON has no -Inf
		}
	}
	r.Mode = AnsweredLetterLogprobs
	return true
}

// AbsentLogProb is the score recorded for a letter that was not among
// the top tokens a server returned.
const AbsentLogProb = -1000.0
