package exam

import (
	"github.com/cemlab/cem/internal/defaults"
	"github.com/cemlab/cem/internal/progress"

	"context"
	"errors"
	"fmt"
	"math"

	"github.com/cemlab/cem/model"
)

// Mode says how multiple-choice items are answered.
type Mode string

// Modes of Run.
const (
	// ModeLikelihood scores every choice as the continuation of the prompt
	// and picks the most likely (needs a model that returns log-probs).
	ModeLikelihood Mode = "likelihood"
	// ModeLetter lists the choices with letters and reads the first
	// answer token's log-probabilities over the letters (model.LetterScorer,
	// or Score of each letter); an item the model gives none for is
	// answered by a generated letter (for servers without prompt
	// log-probs, as the CEM paper does).
	ModeLetter Mode = "letter"
	// ModeGenerate generates after the letter prompt and extracts the
	// letter; no log-probabilities are asked for.
	ModeGenerate Mode = "generate"
	// ModeAuto is ModeLikelihood, falling back to ModeLetter for the
	// whole exam when the model has no prompt log-probabilities.
	ModeAuto Mode = "auto"
)

// Norm says how a choice's token log-probs are combined.
type Norm string

// Norms of Run.
const (
	NormMean Norm = "mean" // per-token mean log-prob: fair to long choices
	NormSum  Norm = "sum"  // total log-prob
)

// Scoring says how a multiple-choice item's choices are ranked in
// ModeLikelihood. It extends Norm with a calibrated score.
type Scoring string

// Scorings of Run.
const (
	ScoringMean Scoring = "mean" // per-token mean log-prob of the choice after the prompt
	ScoringSum  Scoring = "sum"  // total log-prob of the choice after the prompt
	// ScoringPMI is domain-conditional PMI (Holtzman et al. 2021): the
	// choice's total log-prob after the question's prompt minus its total
	// log-prob after NeutralPrompt. It removes the model's prior for the
	// choice string (how familiar the string is, whatever the question),
	// which uncalibrated scores confuse with knowledge.
	ScoringPMI Scoring = "pmi"
)

// Scorings lists the valid scorings.
func Scorings() []Scoring { return []Scoring{ScoringMean, ScoringSum, ScoringPMI} }

// NeutralPrompt is the domain premise of ScoringPMI: the end of every
// exam prompt without its question, so that log P(choice | NeutralPrompt)
// is the prior the question's prompt is compared with.
const NeutralPrompt = "Answer:"

// Options configure Run. The zero value works.
type Options struct {
	Mode Mode // default ModeLikelihood
	Norm Norm // default NormMean; ignored when Scoring is set
	// Scoring ranks the choices (default: Norm's scoring, i.e. mean).
	Scoring Scoring
	// Batch is the number of items per model call (default defaults.ExamBatch, 64): each
	// chunk makes at most one Score call and one Generate call.
	Batch int
	// MaxTokens bounds a generated answer (default 32 for open items, and
	// at most that for letters).
	MaxTokens int
	// Seed is passed to Generate requests (greedy decoding ignores it).
	Seed int64
	// NoOpenConfidence skips scoring generated open answers; by default
	// each is scored once to give its Confidence.
	NoOpenConfidence bool
	// Progress, when set, gets an update after each chunk: the items
	// done and the total.
	Progress progress.Reporter
	// MaxFailures is how many items may fail (the model's error after its
	// own retries) before Run fails: a chunk that fails is answered again
	// item by item, and an item that fails alone is recorded with Mode
	// AnsweredFailed and its Error, and graded wrong. 0 (default) fails
	// the run at the first failed item, naming it; negative never.
	MaxFailures int
}

// applyDefaults fills zero fields with their defaults.
func (o *Options) applyDefaults() {
	if o.Mode == "" {
		o.Mode = ModeAuto
	}
	if o.Norm == "" {
		o.Norm = NormMean
	}
	if o.Scoring == "" {
		o.Scoring = Scoring(o.Norm)
	}
	if o.Batch <= 0 {
		o.Batch = defaults.ExamBatch
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 32
	}
}

// validate rejects unknown modes and norms.
func (o *Options) validate() error {
	switch o.Mode {
	case ModeLikelihood, ModeLetter, ModeGenerate, ModeAuto:
	default:
		return fmt.Errorf("exam: unknown mode %q (want %s, %s, %s or %s)", o.Mode, ModeAuto, ModeLikelihood, ModeLetter, ModeGenerate)
	}
	if o.Norm != NormMean && o.Norm != NormSum {
		return fmt.Errorf("exam: unknown norm %q (want %s or %s)", o.Norm, NormMean, NormSum)
	}
	if err := o.Scoring.Validate(); err != nil {
		return fmt.Errorf("exam: %w", err)
	}
	return nil
}

// Run gives the exam: it asks m every item and grades the answers,
// returning one Result per item in item order.
//
// Multiple-choice items are graded in ModeLikelihood by the log-likelihood
// of each choice (Continuation(choice) after Prompt(item), combined per
// Scoring; for ScoringPMI the same continuation is also scored after
// NeutralPrompt, in the same Score call); the prediction is the best-scoring choice, Confidence its softmax
// probability over the choice scores and Margin its lead in probability
// over the runner-up. In ModeLetter the choice letters are scored as the
// first answer token after LetterPrompt (see ModeLetter); an item without
// letter log-probs, and every item in ModeGenerate, is answered by
// generation after LetterPrompt with ExtractLetter picking the choice
// (Scores nil, Confidence and Margin 0). Each Result records its Mode.
//
// Open items are answered by greedy generation after Prompt (stopping at a
// newline), cleaned by CleanGeneration and graded by MatchOpen against the
// answer and aliases. Unless NoOpenConfidence, each answer is then scored
// and Confidence is exp of its mean token log-prob.
//
// Items are sent in chunks of opts.Batch with one Score and one Generate
// call per chunk. Run stops at the first model error, returning the
// results of the chunks finished so far with the error, and honours ctx
// between chunks. Items are validated first; an invalid item fails the
// run before the model is called.
//
// A model whose Score fails with model.ErrNoLogprobs (a server without
// prompt log-probs) gets the documented fallback: in ModeAuto (the
// default) the whole exam is given again in ModeLetter (ModeGenerate for a
// model that is no model.LetterScorer), without open-answer confidence,
// so that every item of the run is graded the same way. ModeLikelihood
// returns the error instead.
func Run(ctx context.Context, m model.Model, items []Item, opts Options) ([]Result, error) {
	res, err := run(ctx, m, items, opts)
	if errors.Is(err, model.ErrNoLogprobs) && (opts.Mode == "" || opts.Mode == ModeAuto) {
		opts.Mode, opts.NoOpenConfidence = ModeGenerate, true
		if _, ok := m.(model.LetterScorer); ok {
			opts.Mode = ModeLetter // the first token's top log-probs, where the server returns them
		}
		return run(ctx, m, items, opts)
	}
	return res, err
}

// run is Run without the letter-mode fallback.
func run(ctx context.Context, m model.Model, items []Item, opts Options) ([]Result, error) {
	opts.applyDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("exam: no model")
	}
	for i := range items {
		it := items[i]
		if err := it.Validate(); err != nil {
			return nil, fmt.Errorf("exam: item %d: %w", i+1, err)
		}
	}
	results := make([]Result, 0, len(items))
	failed := 0
	for start := 0; start < len(items); start += opts.Batch {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		chunk := items[start:min(start+opts.Batch, len(items))]
		rs, err := runChunk(ctx, m, chunk, &opts)
		if err != nil && ctx.Err() == nil && !errors.Is(err, model.ErrNoLogprobs) {
			// Item by item: the failing item is named, and recorded as
			// failed while the budget lasts.
			rs, err = runEach(ctx, m, chunk, &opts, &failed, start)
		}
		if err != nil {
			return results, fmt.Errorf("exam: items %d-%d: %w", start+1, start+len(chunk), err)
		}
		results = append(results, rs...)
		progress.Report(opts.Progress, progress.Update{Done: len(results), Total: len(items)})
	}
	return results, nil
}

// scoreAll scores reqs with m and checks that it returned one score per
// request; errors start with what.
func scoreAll(ctx context.Context, m model.Model, reqs []model.ScoreRequest, what string) ([]model.Score, error) {
	scores, err := m.Score(ctx, reqs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(scores) != len(reqs) {
		return nil, fmt.Errorf("%s: model returned %d scores for %d requests", what, len(scores), len(reqs))
	}
	return scores, nil
}

// runChunk answers and grades one chunk of items.
func runChunk(ctx context.Context, m model.Model, items []Item, o *Options) ([]Result, error) {
	rs := make([]Result, len(items))
	var scoreReqs []model.ScoreRequest
	var genReqs []model.GenerateRequest
	type span struct{ item, first, n int }
	var scored []span
	var generated []int
	var letterReqs []model.LetterRequest
	var lettered []int
	for i := range items {
		it := &items[i]
		rs[i] = Result{ID: it.ID, PredIndex: -1, Weight: it.Weight, Topic: it.Topic}
		switch {
		case it.Answer.IsOpen():
			generated = append(generated, i)
			genReqs = append(genReqs, model.GenerateRequest{Prompt: Prompt(it), MaxTokens: o.MaxTokens, Stop: []string{"\n"}, Seed: o.Seed})
		case o.Mode == ModeLetter:
			lettered = append(lettered, i)
			letterReqs = append(letterReqs, letterRequest(it, o.Seed))
		case o.Mode == ModeGenerate:
			generated = append(generated, i)
			genReqs = append(genReqs, letterGenRequest(it, o))
		default:
			scored = append(scored, span{i, len(scoreReqs), len(it.Choices)})
			for _, c := range it.Choices {
				scoreReqs = append(scoreReqs, model.ScoreRequest{Prompt: Prompt(it), Continuation: Continuation(c)})
			}
		}
	}
	if len(letterReqs) > 0 {
		lps, err := scoreLetters(ctx, m, letterReqs)
		if err != nil {
			return nil, fmt.Errorf("score letters: %w", err)
		}
		for j, i := range lettered {
			if lps == nil || !gradeLetters(&rs[i], &items[i], lps[j]) {
				generated = append(generated, i)
				genReqs = append(genReqs, letterGenRequest(&items[i], o))
			}
		}
	}
	// The neutral scores of PMI: one request per distinct continuation of
	// the chunk, sent with the conditional ones.
	neutral := map[string]int{}
	if o.Scoring == ScoringPMI {
		n := len(scoreReqs)
		for _, rq := range scoreReqs[:n] {
			if _, ok := neutral[rq.Continuation]; !ok {
				neutral[rq.Continuation] = len(scoreReqs)
				scoreReqs = append(scoreReqs, model.ScoreRequest{Prompt: NeutralPrompt, Continuation: rq.Continuation})
			}
		}
	}
	if len(scoreReqs) > 0 {
		scores, err := scoreAll(ctx, m, scoreReqs, "score")
		if err != nil {
			return nil, err
		}
		for _, s := range scored {
			r, it := &rs[s.item], &items[s.item]
			r.ChoiceLogProbs = make([]float64, s.n)
			r.ChoiceTokens = make([]int, s.n)
			for j := range s.n {
				sc := scores[s.first+j]
				r.ChoiceLogProbs[j], r.ChoiceTokens[j] = sc.LogProb, sc.Tokens
			}
			if o.Scoring == ScoringPMI {
				r.NeutralLogProbs = make([]float64, s.n)
				for j, c := range it.Choices {
					r.NeutralLogProbs[j] = scores[neutral[Continuation(c)]].LogProb
				}
			}
			if err := Rescore(r, it, o.Scoring); err != nil {
				return nil, err
			}
		}
	}
	if len(genReqs) == 0 {
		return rs, nil
	}
	gens, err := m.Generate(ctx, genReqs)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	if len(gens) != len(genReqs) {
		return nil, fmt.Errorf("generate: model returned %d texts for %d requests", len(gens), len(genReqs))
	}
	var confReqs []model.ScoreRequest
	var confItems []int
	for j, i := range generated {
		it, r := &items[i], &rs[i]
		if !it.Answer.IsOpen() { // letter mode
			r.PredIndex = ExtractLetter(gens[j], it.Choices)
			r.Prediction = gens[j]
			if r.PredIndex >= 0 {
				r.Prediction = it.Choices[r.PredIndex]
			}
			r.Correct = r.PredIndex == it.Answer.Index
			r.Mode = AnsweredLetterGenerated
			continue
		}
		r.Mode = AnsweredOpen
		r.Prediction = CleanGeneration(gens[j])
		r.Correct = MatchOpen(r.Prediction, it)
		if !o.NoOpenConfidence && r.Prediction != "" {
			confItems = append(confItems, i)
			confReqs = append(confReqs, model.ScoreRequest{Prompt: Prompt(it), Continuation: Continuation(r.Prediction)})
		}
	}
	if len(confReqs) > 0 {
		scores, err := scoreAll(ctx, m, confReqs, "score answers")
		if err != nil {
			return nil, err
		}
		for j, i := range confItems {
			rs[i].Confidence = math.Exp(scores[j].Mean())
			rs[i].Scores = []float64{scores[j].Mean()}
		}
	}
	return rs, nil
}

// Validate rejects an unknown scoring.
func (s Scoring) Validate() error {
	for _, v := range Scorings() {
		if s == v {
			return nil
		}
	}
	return fmt.Errorf("unknown scoring %q (want %s, %s or %s)", s, ScoringMean, ScoringSum, ScoringPMI)
}

// Rescore grades a likelihood-mode multiple-choice result of it again
// under scoring s, from the raw log-probs the result keeps
// (ChoiceLogProbs, ChoiceTokens and, for ScoringPMI, NeutralLogProbs):
// it sets Scoring, Scores, the prediction, Correct, Confidence and
// Margin. A finished run's results can so be re-scored without the
// model. It fails when the raw scores s needs are missing (a result of
// letter mode, an open item, or a run that did not score the neutral
// prompt).
func Rescore(r *Result, it *Item, s Scoring) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("result %s: %w", r.ID, err)
	}
	n := len(it.Choices)
	if n == 0 || len(r.ChoiceLogProbs) != n || len(r.ChoiceTokens) != n {
		return fmt.Errorf("result %s: no raw choice log-probs to score (%d for %d choices)", r.ID, len(r.ChoiceLogProbs), n)
	}
	if s == ScoringPMI && len(r.NeutralLogProbs) != n {
		return fmt.Errorf("result %s: pmi needs the neutral log-probs of its %d choices, the result has %d", r.ID, n, len(r.NeutralLogProbs))
	}
	scores := make([]float64, n)
	for i := range scores {
		switch s {
		case ScoringSum:
			scores[i] = r.ChoiceLogProbs[i]
		case ScoringPMI:
			scores[i] = r.ChoiceLogProbs[i] - r.NeutralLogProbs[i]
		default:
			scores[i] = model.Score{LogProb: r.ChoiceLogProbs[i], Tokens: r.ChoiceTokens[i]}.Mean()
		}
	}
	r.Scoring = string(s)
	gradeChoices(r, it, scores)
	return nil
}

// gradeChoices fills a multiple-choice result from its choice scores.
func gradeChoices(r *Result, it *Item, scores []float64) {
	r.Scores = scores
	probs := Softmax(r.Scores)
	best, second := -1, -1
	for i := range probs {
		switch {
		case best < 0 || probs[i] > probs[best]:
			best, second = i, best
		case second < 0 || probs[i] > probs[second]:
			second = i
		}
	}
	r.PredIndex = best
	r.Mode = AnsweredLikelihood
	r.Prediction = it.Choices[best]
	r.Correct = best == it.Answer.Index
	r.Confidence = probs[best]
	if second >= 0 {
		r.Margin = probs[best] - probs[second]
	} else {
		r.Margin = probs[best]
	}
}

// Softmax returns exp(x_i)/sum exp(x_j), computed stably. Non-finite
// inputs (a -Inf log-prob) get probability 0 unless all are -Inf, when the
// result is uniform.
func Softmax(x []float64) []float64 {
	out := make([]float64, len(x))
	mx := math.Inf(-1)
	for _, v := range x {
		if v > mx && !math.IsNaN(v) {
			mx = v
		}
	}
	if math.IsInf(mx, -1) {
		for i := range out {
			out[i] = 1 / float64(len(x))
		}
		return out
	}
	sum := 0.0
	for i, v := range x {
		if math.IsNaN(v) {
			continue
		}
		out[i] = math.Exp(v - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// letterGenRequest is the generation request of a letter-mode answer.
func letterGenRequest(it *Item, o *Options) model.GenerateRequest {
	return model.GenerateRequest{Prompt: LetterPrompt(it), MaxTokens: min(o.MaxTokens, 8), Stop: []string{"\n"}, Seed: o.Seed}
}

// runEach answers a chunk that failed item by item, recording an item
// that fails alone as that item's failure while *failed stays within
// o.MaxFailures; first is the chunk's offset in the exam.
func runEach(ctx context.Context, m model.Model, items []Item, o *Options, failed *int, first int) ([]Result, error) {
	out := make([]Result, len(items))
	for i := range items {
		rs, err := runChunk(ctx, m, items[i:i+1], o)
		switch {
		case err == nil:
			out[i] = rs[0]
			continue
		case ctx.Err() != nil || errors.Is(err, model.ErrNoLogprobs):
			return nil, err
		}
		*failed++
		if o.MaxFailures >= 0 && *failed > o.MaxFailures {
			return nil, fmt.Errorf("item %d (%s) failed, %d failures > %d allowed (exam.max_failures): %w",
				first+i+1, items[i].ID, *failed, o.MaxFailures, err)
		}
		it := &items[i]
		out[i] = Result{ID: it.ID, PredIndex: -1, Weight: it.Weight, Topic: it.Topic, Mode: AnsweredFailed, Error: err.Error()}
	}
	return out, nil
}
