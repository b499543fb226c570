package exam

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/model"
)

// fakeModel is a scripted model: Score gives each continuation the
// log-prob listed for it in logp (per token, with one token per word),
// and -5 per token otherwise; Generate returns the answer listed for the
// prompt in gen, or "I do not know". It counts calls.
type fakeModel struct {
	logp        map[string]float64
	gen         map[string]string
	scoreCalls  int
	genCalls    int
	failOnScore bool
	prompts     []string
}

var _ model.Model = (*fakeModel)(nil)

func (f *fakeModel) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	f.scoreCalls++
	if f.failOnScore {
		return nil, errors.New("server down")
	}
	out := make([]model.Score, len(reqs))
	for i, r := range reqs {
		words := len(strings.Fields(r.Continuation))
		lp, ok := f.logp[strings.TrimSpace(r.Continuation)]
		if !ok {
			lp = -5
		}
		out[i] = model.Score{LogProb: lp * float64(words), Tokens: words}
	}
	return out, nil
}

func (f *fakeModel) Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	f.genCalls++
	out := make([]string, len(reqs))
	for i, r := range reqs {
		f.prompts = append(f.prompts, r.Prompt)
		out[i] = "I do not know"
		for k, v := range f.gen {
			if strings.Contains(r.Prompt, k) {
				out[i] = v
			}
		}
	}
	return out, nil
}

func chadItems() []Item {
	return []Item{
		{ID: "mc1", Question: "What is the capital of Chad?", Choices: []string{"Niamey", "N'Djamena", "Bamako", "Bangui"}, Answer: Answer{Index: 1}, Topic: "capital", Weight: 3},
		{ID: "mc2", Question: "What is the capital of Mali?", Choices: []string{"Niamey", "N'Djamena", "Bamako", "Bangui"}, Answer: Answer{Index: 2}, Topic: "capital"},
		{ID: "open1", Question: "What is the capital of Chad?", Answer: OpenAnswer("N'Djamena"), Aliases: []string{"Fort-Lamy"}, Topic: "capital"},
		{ID: "open2", Question: "What is the capital of Niger?", Answer: OpenAnswer("Niamey"), Topic: "capital"},
		{ID: "mc3", Question: "Who was the Pope in 2000?", Choices: []string{"John Paul II", "Pius"}, Answer: Answer{Index: 0}, Topic: "people"},
	}
}

func TestRunLikelihoodAndOpen(t *testing.T) {
	m := &fakeModel{
		// N'Djamena is likeliest for every capital question: right for
		// mc1, wrong for mc2. "John Paul II" has a better sum but a worse
		// mean than "Pius".
		logp: map[string]float64{"N'Djamena": -0.1, "Bamako": -1, "John Paul II": -0.9, "Pius": -2},
		gen:  map[string]string{"Chad": " Ndjamena.\nQuestion: next", "Niger": "Answer: Bamako"},
	}
	var done []int
	items := chadItems()
	rs, err := Run(context.Background(), m, items, Options{Batch: 2, Progress: progress.Func(func(u progress.Update) {
		if u.Total != 5 {
			t.Errorf("progress total = %d; want 5", u.Total)
		}
		done = append(done, u.Done)
	})})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		pred    string
		idx     int
		correct bool
	}{
		{"N'Djamena", 1, true}, {"N'Djamena", 1, false}, {"Ndjamena", -1, true}, {"Bamako", -1, false}, {"John Paul II", 0, true},
	}
	for i, w := range want {
		r := rs[i]
		if r.ID != items[i].ID || r.Prediction != w.pred || r.PredIndex != w.idx || r.Correct != w.correct {
			t.Errorf("result %d = %+v; want prediction %q index %d correct %v", i, r, w.pred, w.idx, w.correct)
		}
	}
	if !reflect.DeepEqual(done, []int{2, 4, 5}) {
		t.Errorf("progress = %v; want [2 4 5]", done)
	}
	// Chunks of 2: mc1+mc2 (one score call), open1+open2 (generate plus
	// a confidence score call), mc3 (score).
	if m.scoreCalls != 3 || m.genCalls != 1 {
		t.Errorf("calls = %d score, %d generate; want 3 and 1", m.scoreCalls, m.genCalls)
	}
	// Confidence is the softmax over mean scores [-5 -0.1 -1 -5].
	p := Softmax([]float64{-5, -0.1, -1, -5})
	if r := rs[0]; math.Abs(r.Confidence-p[1]) > 1e-12 || math.Abs(r.Margin-(p[1]-p[2])) > 1e-12 {
		t.Errorf("mc1 confidence, margin = %g, %g; want %g, %g", r.Confidence, r.Margin, p[1], p[1]-p[2])
	}
	if r := rs[2]; math.Abs(r.Confidence-math.Exp(-5)) > 1e-12 {
		t.Errorf("open confidence = %g; want exp(-5) for an unlisted answer", r.Confidence)
	}
	if got := Accuracy(rs); got != 0.6 {
		t.Errorf("Accuracy = %g; want 0.6", got)
	}
	if got := WeightedAccuracy(rs); math.Abs(got-5.0/7) > 1e-12 {
		t.Errorf("WeightedAccuracy = %g; want 5/7", got)
	}
	if got := AccuracyByTopic(rs); got["capital"] != 0.5 || got["people"] != 1 {
		t.Errorf("AccuracyByTopic = %v; want capital 0.5, people 1", got)
	}

	// With sums, "John Paul II" (3 x -0.9) loses to "Pius" (-2).
	rs, err = Run(context.Background(), m, items[4:], Options{Norm: NormSum})
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].PredIndex != 1 || rs[0].Correct {
		t.Errorf("sum-norm result = %+v; want Pius chosen, wrong", rs[0])
	}
}

func TestRunLetter(t *testing.T) {
	m := &fakeModel{gen: map[string]string{"Chad": "The answer is (B).", "Mali": "A", "Pope": "I think it is Pius"}}
	rs, err := Run(context.Background(), m, chadItems(), Options{Mode: ModeGenerate})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 0, -1, -1, 1} {
		if rs[i].PredIndex != want {
			t.Errorf("result %s index = %d; want %d", rs[i].ID, rs[i].PredIndex, want)
		}
	}
	if !rs[0].Correct || rs[1].Correct || rs[4].Correct || rs[0].Scores != nil {
		t.Errorf("letter grading = %+v; want mc1 right, mc2 and mc3 wrong, no scores", rs)
	}
	if !strings.Contains(m.prompts[0], "\nB. N'Djamena\n") {
		t.Errorf("letter prompt = %q; want the choices listed", m.prompts[0])
	}
}

func TestExtractLetter(t *testing.T) {
	choices := []string{"Niamey", "N'Djamena", "Bamako", "Bangui"}
	tests := map[string]int{
		"B": 1, " (C) Bamako": 2, "D.": 3, "Answer: A": 0, "The correct answer is C": 2,
		"N'Djamena": 1, "A city in Chad": -1, "I think D": 3, "E": -1, "": -1, "bamako\nmore": 2,
	}
	for gen, want := range tests {
		if got := ExtractLetter(gen, choices); got != want {
			t.Errorf("ExtractLetter(%q) = %d; want %d", gen, got, want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	items := chadItems()
	if _, err := Run(context.Background(), &fakeModel{failOnScore: true}, items, Options{}); err == nil || !strings.Contains(err.Error(), "server down") {
		t.Errorf("error = %v; want the model's error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, &fakeModel{}, items, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v; want context.Canceled", err)
	}
	if _, err := Run(context.Background(), &fakeModel{}, items, Options{Mode: "guess"}); err == nil {
		t.Error("unknown mode accepted")
	}
	bad := []Item{{ID: "x", Question: "q", Choices: []string{"a", "b"}, Answer: Answer{Index: 5}}}
	if _, err := Run(context.Background(), &fakeModel{}, bad, Options{}); err == nil {
		t.Error("invalid item accepted")
	}
}

func TestResultsRoundTrip(t *testing.T) {
	m := &fakeModel{logp: map[string]float64{"N'Djamena": -0.1}}
	rs, err := Run(context.Background(), m, chadItems(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "results.jsonl")
	if err := WriteResults(path, rs); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, rs) {
		t.Errorf("round trip = %+v; want %+v", back, rs)
	}
	if _, err := DecodeResults(strings.NewReader(`{"id":"a","confidence":2}`), "r.jsonl"); err == nil || !strings.HasPrefix(err.Error(), "r.jsonl:1: ") {
		t.Errorf("error = %v; want r.jsonl:1: confidence outside [0,1]", err)
	}
}

func TestPrompt(t *testing.T) {
	it := &chadItems()[0]
	if got := Prompt(it); got != "Question: What is the capital of Chad?\nAnswer:" {
		t.Errorf("Prompt = %q", got)
	}
	withCtx := *it
	withCtx.Context = " N'Djamena is the\ncapital of Chad. "
	if got, want := Prompt(&withCtx), "Context: N'Djamena is the capital of Chad.\n\nQuestion: What is the capital of Chad?\nAnswer:"; got != want {
		t.Errorf("Prompt with context = %q; want %q", got, want)
	}
	if got := LetterPrompt(&withCtx); !strings.HasPrefix(got, "Context: N'Djamena is the capital of Chad.\n\nQuestion: ") {
		t.Errorf("LetterPrompt with context = %q; want the context first", got)
	}
	if got := Continuation(" N'Djamena "); got != " N'Djamena" {
		t.Errorf("Continuation = %q; want one leading space", got)
	}
}

// noLogprobsModel is a server without prompt log-probs: Score always fails
// with model.ErrNoLogprobs; Generate answers like fakeModel.
type noLogprobsModel struct{ fakeModel }

func (n *noLogprobsModel) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	n.scoreCalls++
	return nil, fmt.Errorf("completions: %w", model.ErrNoLogprobs)
}

func TestRunFallsBackToLetters(t *testing.T) {
	m := &noLogprobsModel{fakeModel{gen: map[string]string{
		"capital of Chad": "B", "capital of Mali": "A", "capital of Niger": "Niamey", "Pope": "A",
	}}}
	rs, err := Run(context.Background(), m, chadItems(), Options{})
	if err != nil {
		t.Fatalf("Run = %v; want the letter-mode fallback", err)
	}
	want := map[string]bool{"mc1": true, "mc2": false, "open1": false, "open2": true, "mc3": true}
	for _, r := range rs {
		if r.Correct != want[r.ID] {
			t.Errorf("%s: Correct = %v (prediction %q); want %v", r.ID, r.Correct, r.Prediction, want[r.ID])
		}
		if r.Scores != nil || r.Confidence != 0 {
			t.Errorf("%s: Scores = %v, Confidence = %v; want none in letter mode", r.ID, r.Scores, r.Confidence)
		}
	}
	if m.scoreCalls != 1 {
		t.Errorf("Score called %d times; want 1 (the failed attempt only)", m.scoreCalls)
	}
}

// letterModel answers letter requests with fixed top log-probs (nil for
// items whose question contains "blank"), fails every request whose
// prompt contains "boom", and generates "B".
type letterModel struct{ generated int }

func (m *letterModel) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	return nil, model.ErrNoLogprobs
}

func (m *letterModel) Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		if strings.Contains(r.Prompt, "boom") {
			return nil, errors.New("HTTP 500 after retries")
		}
		m.generated++
		out[i] = "B"
	}
	return out, nil
}

// priorModel scores a continuation with a prior log-prob per token that
// holds after any prompt (prior, default -5) plus a bonus per token when
// the prompt contains the continuation's cue word: a model that has a
// favourite answer string and some knowledge besides.
type priorModel struct {
	prior map[string]float64
	cue   map[string]string // continuation -> word whose presence in the prompt adds bonus
	bonus float64
	reqs  []model.ScoreRequest
}

func (p *priorModel) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	p.reqs = append(p.reqs, reqs...)
	out := make([]model.Score, len(reqs))
	for i, r := range reqs {
		c := strings.TrimSpace(r.Continuation)
		lp, ok := p.prior[c]
		if !ok {
			lp = -5
		}
		if w, ok := p.cue[c]; ok && strings.Contains(r.Prompt, w) {
			lp += p.bonus
		}
		words := len(strings.Fields(c))
		out[i] = model.Score{LogProb: lp * float64(words), Tokens: words}
	}
	return out, nil
}

func (m *letterModel) ScoreLetters(ctx context.Context, reqs []model.LetterRequest) ([][]float64, error) {
	out := make([][]float64, len(reqs))
	for i, r := range reqs {
		switch {
		case strings.Contains(r.Prompt, "boom"):
			return nil, errors.New("HTTP 500 after retries")
		case strings.Contains(r.Prompt, "blank"):
			continue
		}
		out[i] = []float64{math.Inf(-1), -0.1, -3}[:len(r.Letters)]
	}
	return out, nil
}

// TestRunLetterLogprobsThenGenerated: auto mode on a model without prompt
// log-probs uses the first token's letter log-probs, falls back to a
// generated letter per item, records each item's mode, and records a
// failing item as its failure within the budget.
func TestRunLetterLogprobsThenGenerated(t *testing.T) {
	mc := func(id, q string) Item {
		return Item{ID: id, Question: q, Choices: []string{"x", "y", "z"}, Answer: Answer{Index: 1}}
	}
	items := []Item{mc("a", "first?"), mc("b", "blank?"), mc("c", "boom?"), mc("d", "fourth?")}
	m := &letterModel{}
	rs, err := Run(t.Context(), m, items, Options{MaxFailures: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{AnsweredLetterLogprobs, AnsweredLetterGenerated, AnsweredFailed, AnsweredLetterLogprobs}
	for i, r := range rs {
		if r.Mode != want[i] {
			t.Errorf("item %s mode %q; want %q", r.ID, r.Mode, want[i])
		}
	}
	if !rs[0].Correct || !rs[1].Correct || rs[2].Correct || rs[2].Error == "" || rs[0].Scores[0] != AbsentLogProb {
		t.Errorf("results = %+v", rs)
	}
	if _, err := Run(t.Context(), m, items, Options{}); err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("no failure budget: err %v; want the item's error", err)
	}
	items = append(items, mc("e", "boom again?"))
	if _, err := Run(t.Context(), m, items, Options{MaxFailures: 1}); err == nil || !strings.Contains(err.Error(), "(e)") ||
		!strings.Contains(err.Error(), "max_failures") {
		t.Errorf("two failures, budget 1: err %v; want item e named with the budget", err)
	}
	if _, err := Run(t.Context(), m, items[:1], Options{Mode: ModeLikelihood}); !errors.Is(err, model.ErrNoLogprobs) {
		t.Errorf("likelihood mode without log-probs: err %v; want ErrNoLogprobs", err)
	}
}

func (p *priorModel) Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	return make([]string, len(reqs)), nil
}

func TestScoringPMIRemovesThePrior(t *testing.T) {
	items := chadItems()
	mc := []Item{items[0], items[1]}
	// N'Djamena is the favourite string (prior -0.5 everywhere); the
	// model knows Chad -> N'Djamena and Mali -> Bamako only as a bonus of
	// 2 nats per token over the prior.
	m := &priorModel{prior: map[string]float64{"N'Djamena": -0.5, "Bamako": -4},
		cue: map[string]string{"N'Djamena": "Chad", "Bamako": "Mali"}, bonus: 2}
	tests := []struct {
		scoring Scoring
		preds   []int
	}{
		{ScoringMean, []int{1, 1}}, // the prior wins Mali
		{ScoringSum, []int{1, 1}},
		{ScoringPMI, []int{1, 2}}, // the bonus decides
	}
	for _, tt := range tests {
		m.reqs = nil
		rs, err := Run(context.Background(), m, mc, Options{Scoring: tt.scoring})
		if err != nil {
			t.Fatalf("%s: %v", tt.scoring, err)
		}
		for i, r := range rs {
			if r.PredIndex != tt.preds[i] || r.Scoring != string(tt.scoring) {
				t.Errorf("%s: item %s picked %d (scoring %q); want %d", tt.scoring, r.ID, r.PredIndex, r.Scoring, tt.preds[i])
			}
		}
		neutral := 0
		for _, rq := range m.reqs {
			if rq.Prompt == NeutralPrompt {
				neutral++
			}
		}
		// Both items share their 4 choices: 4 neutral requests for PMI.
		if want := map[Scoring]int{ScoringPMI: 4}[tt.scoring]; neutral != want {
			t.Errorf("%s: %d neutral requests; want %d", tt.scoring, neutral, want)
		}
	}
}

func TestRescoreMatchesARunUnderThatScoring(t *testing.T) {
	items := chadItems()
	mc := []Item{items[0], items[1], items[4]}
	m := &priorModel{prior: map[string]float64{"N'Djamena": -0.5, "Bamako": -4, "John Paul II": -0.9, "Pius": -2},
		cue: map[string]string{"N'Djamena": "Chad", "Bamako": "Mali", "Pius": "Pope"}, bonus: 1.5}
	pmi, err := Run(context.Background(), m, mc, Options{Scoring: ScoringPMI})
	if err != nil {
		t.Fatal(err)
	}
	// Through the results file, as a finished run is re-scored.
	path := filepath.Join(t.TempDir(), "results.jsonl")
	if err := WriteResults(path, pmi); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Scoring{ScoringMean, ScoringSum, ScoringPMI} {
		want, err := Run(context.Background(), m, mc, Options{Scoring: s})
		if err != nil {
			t.Fatal(err)
		}
		for i := range back {
			got := back[i]
			if err := Rescore(&got, &mc[i], s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			w := want[i]
			if got.PredIndex != w.PredIndex || got.Correct != w.Correct || math.Abs(got.Confidence-w.Confidence) > 1e-12 ||
				!reflect.DeepEqual(got.Scores, w.Scores) {
				t.Errorf("%s: rescored %s = %+v; want %+v", s, got.ID, got, w)
			}
		}
	}
	// A mean run kept no neutral scores: it cannot be re-scored as PMI.
	mean, err := Run(context.Background(), m, mc[:1], Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Rescore(&mean[0], &mc[0], ScoringPMI); err == nil || !strings.Contains(err.Error(), "neutral") {
		t.Errorf("Rescore of a mean result as pmi: err = %v; want one naming the neutral log-probs", err)
	}
	if _, err := Run(context.Background(), m, mc, Options{Scoring: "median"}); err == nil {
		t.Error("Run accepted scoring median")
	}
}
