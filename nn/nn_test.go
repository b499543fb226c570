package nn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/cemlab/cem/tensor"
)

// testConfig is a model small enough for quick tests in the purego build.
var testConfig = Config{Vocab: 64, Dim: 32, Layers: 2, Heads: 4, KVHeads: 2, FFN: 48, MaxSeq: 32}

func testDocs(rng *rand.Rand, n int) []Doc {
	var docs []Doc
	for range n {
		l := 3 + rng.IntN(12)
		d := Doc{Tokens: make([]int32, l), Weights: make([]float32, l)}
		d.Tokens[0] = 1
		for i := 1; i < l; i++ {
			d.Tokens[i] = int32(2 + (int(d.Tokens[i-1])*7+i)%60) // learnable pattern
			d.Weights[i] = 1
		}
		docs = append(docs, d)
	}
	return docs
}

func TestPack(t *testing.T) {
	docs := []Doc{
		{Tokens: []int32{1, 2, 3}, Weights: []float32{0, 1, 1}},
		{Tokens: []int32{1, 4, 5, 6, 7, 8, 9}, Weights: []float32{0, 0, 1, 1, 1, 1, 1}},
		{Tokens: []int32{1}, Weights: []float32{0}},
	}
	rows, err := Pack(docs, 4, 0, 16)
	if err != nil {
		t.Fatal(err)
	}
	// doc 0 fills 2 positions; doc 1 has 6 positions: pieces of 4 and 2.
	if len(rows) != 3 {
		t.Fatalf("rows = %d; want 3", len(rows))
	}
	want := Row{Tokens: []int32{1, 2, 0, 0}, Targets: []int32{2, 3, 0, 0}, Weights: []float32{1, 1, 0, 0}}
	for i := range 4 {
		if rows[0].Tokens[i] != want.Tokens[i] || rows[0].Targets[i] != want.Targets[i] || rows[0].Weights[i] != want.Weights[i] {
			t.Fatalf("row 0 = %+v; want %+v", rows[0], want)
		}
	}
	if got := rows[1].Targets; got[0] != 4 || got[3] != 7 || rows[1].Weights[0] != 0 || rows[1].Weights[1] != 1 {
		t.Errorf("row 1 = %+v", rows[1])
	}
	if got := rows[2]; got.Tokens[0] != 7 || got.Targets[1] != 9 || len(got.Segments) != 2 {
		t.Errorf("row 2 = %+v", rows[2])
	}
	if _, err := Pack([]Doc{{Tokens: []int32{1, 99}, Weights: []float32{0, 1}}}, 4, 0, 16); err == nil {
		t.Error("Pack accepted an id outside the vocabulary")
	}
}

// TestForwardMatchesLoss checks that cached inference gives the same
// log-probabilities as the training forward pass.
func TestForwardMatchesLoss(t *testing.T) {
	m, err := NewModel(testConfig, 1)
	if err != nil {
		t.Fatal(err)
	}
	prompt := []int32{1, 5, 9, 11}
	cont := []int32{7, 3, 20}
	got, err := m.ScoreTokens(context.Background(), []ScoreItem{{Prompt: prompt, Conts: [][]int32{{2}, cont}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, lp := range got[0][1].LogProbs {
		sum += float64(lp)
	}
	doc := Doc{Tokens: append(append([]int32{}, prompt...), cont...)}
	doc.Weights = make([]float32, len(doc.Tokens))
	for i := len(prompt); i < len(doc.Tokens); i++ {
		doc.Weights[i] = 1
	}
	rows, _ := Pack([]Doc{doc}, len(doc.Tokens)-1, 0, m.Config.Vocab)
	tp := newNoGradTape()
	loss, err := m.Loss(tp, JoinRows(rows), 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := math.Abs(-sum - float64(loss.Data[0])); diff > 1e-4 {
		t.Errorf("scored log-prob %g; training loss says %g", sum, -loss.Data[0])
	}
}

func TestTrainLossFalls(t *testing.T) {
	m, err := NewModel(testConfig, 2)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Pack(testDocs(rand.New(rand.NewPCG(1, 1)), 80), 32, 0, 64)
	if err != nil {
		t.Fatal(err)
	}
	run, err := NewRun(m, nil, rows, TrainConfig{Optim: OptimConfig{LR: 1e-2, Steps: 60, Warmup: 5}, BatchRows: 8, MicroRows: 4, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var first, last float64
	err = run.Train(context.Background(), 60, func(s StepInfo) error {
		if s.Step == 1 {
			first = s.Loss
		}
		last = s.Loss
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if last > first*0.5 {
		t.Errorf("loss %g -> %g; want it halved", first, last)
	}
}

// TestResumeMatches trains 10 steps straight and 4+6 with the state
// carried over, and wants bit-identical weights.
func TestResumeMatches(t *testing.T) {
	rows, _ := Pack(testDocs(rand.New(rand.NewPCG(2, 2)), 40), 32, 0, 64)
	cfg := TrainConfig{Optim: OptimConfig{LR: 5e-3, Steps: 10}, BatchRows: 3, Seed: 9}
	train := func(stops ...int) []float32 {
		m, _ := NewModel(testConfig, 4)
		var opt *AdamW
		params := m.Params
		for _, s := range stops {
			m2, err := NewModelFrom(testConfig, append([]float32(nil), params...))
			if err != nil {
				t.Fatal(err)
			}
			run, err := NewRun(m2, opt, rows, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := run.Train(context.Background(), s, nil); err != nil {
				t.Fatal(err)
			}
			params, opt = m2.Params, &AdamW{M: append([]float32(nil), run.Opt.M...), V: append([]float32(nil), run.Opt.V...), Step: run.Opt.Step}
		}
		return params
	}
	a, b := train(10), train(4, 10)
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("param %d = %g resumed; %g straight", i, b[i], a[i])
		}
	}
}

func TestGenerateGreedy(t *testing.T) {
	m, _ := NewModel(testConfig, 5)
	a, err := m.Generate(context.Background(), []int32{1, 2, 3}, GenConfig{MaxTokens: 5, EOS: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Generate(context.Background(), []int32{1, 2, 3}, GenConfig{MaxTokens: 5, EOS: -1})
	if len(a) != 5 || len(b) != 5 {
		t.Fatalf("generated %d and %d tokens; want 5", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("greedy generation differs: %v vs %v", a, b)
		}
	}
}

// TestGenerateBatchMatchesSingle wants lockstep generation of several
// prompts to give each prompt's solo result.
func TestGenerateBatchMatchesSingle(t *testing.T) {
	m, _ := NewModel(testConfig, 6)
	prompts := [][]int32{{1, 2, 3}, {5}, {7, 8, 9, 10, 11}}
	cfgs := []GenConfig{{MaxTokens: 6, EOS: -1}, {MaxTokens: 3, EOS: -1, Temperature: 1, Seed: 4}, {MaxTokens: 8, EOS: 40}}
	batch, err := m.GenerateBatch(context.Background(), prompts, cfgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range prompts {
		solo, err := m.Generate(context.Background(), p, cfgs[i])
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(solo) != fmt.Sprint(batch[i]) {
			t.Errorf("prompt %d: batch generated %v; alone %v", i, batch[i], solo)
		}
	}
}

// TestTrainingIndependentOfProcs wants bit-identical weights from a short
// training run on 1 and 3 goroutines.
func TestTrainingIndependentOfProcs(t *testing.T) {
	rows, _ := Pack(testDocs(rand.New(rand.NewPCG(3, 3)), 60), 32, 0, 64)
	train := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, _ := NewModel(testConfig, 7)
		run, err := NewRun(m, nil, rows, TrainConfig{Optim: OptimConfig{Steps: 4}, BatchRows: 6, MicroRows: 3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := run.Train(context.Background(), 4, nil); err != nil {
			t.Fatal(err)
		}
		return m.Params
	}
	a, b := train(1), train(3)
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("param %d = %g on 3 goroutines; %g on 1", i, b[i], a[i])
		}
	}
}

func TestNaNLossIsAnError(t *testing.T) {
	m, _ := NewModel(testConfig, 8)
	v, _, _ := m.View("norm.weight")
	v[0] = float32(math.NaN())
	rows, _ := Pack(testDocs(rand.New(rand.NewPCG(4, 4)), 4), 32, 0, 64)
	run, err := NewRun(m, nil, rows, TrainConfig{Optim: OptimConfig{Steps: 2}})
	if err != nil {
		t.Fatal(err)
	}
	err = run.Train(context.Background(), 2, nil)
	if err == nil || !strings.Contains(err.Error(), "loss is NaN") {
		t.Errorf("Train error = %v; want a NaN loss error", err)
	}
}

func newNoGradTape() *tensor.Tape {
	tp := tensor.NewTape()
	tp.NoGrad = true
	return tp
}

// TestConcurrentInference scores and generates from several goroutines
// at once (run with -race) and wants the serial results.
func TestConcurrentInference(t *testing.T) {
	m, _ := NewModel(testConfig, 9)
	items := []ScoreItem{{Prompt: []int32{1, 2, 3}, Conts: [][]int32{{4, 5}, {6}}}}
	want, _ := m.ScoreTokens(context.Background(), items, 0)
	wantGen, _ := m.Generate(context.Background(), []int32{3, 2, 1}, GenConfig{MaxTokens: 4, EOS: -1})
	errs := make(chan error, 8)
	for range 4 {
		go func() {
			got, err := m.ScoreTokens(context.Background(), items, 0)
			if err == nil && fmt.Sprint(got) != fmt.Sprint(want) {
				err = fmt.Errorf("concurrent score %v; want %v", got, want)
			}
			errs <- err
		}()
		go func() {
			got, err := m.Generate(context.Background(), []int32{3, 2, 1}, GenConfig{MaxTokens: 4, EOS: -1})
			if err == nil && fmt.Sprint(got) != fmt.Sprint(wantGen) {
				err = fmt.Errorf("concurrent generation %v; want %v", got, wantGen)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestForwardRejectsBadSpecs checks that Forward refuses token placements
// that would read or write outside the cache or overwrite a new token.
func TestForwardRejectsBadSpecs(t *testing.T) {
	m, err := NewModel(testConfig, 1)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		ids   []int32
		specs []TokSpec
		want  string
	}{
		{"shared slot", []int32{1, 2}, []TokSpec{{Pos: 0, Slot: 0}, {Pos: 1, Slot: 0}}, "both go to cache slot 0"},
		{"slot past cache", []int32{1}, []TokSpec{{Pos: 0, Slot: 8}}, "slot 8 of a cache of 8"},
		{"unknown id", []int32{int32(testConfig.Vocab)}, []TokSpec{{Pos: 0, Slot: 0}}, "outside vocabulary"},
		{"prefix past self", []int32{1}, []TokSpec{{Pos: 0, Slot: 1, PrefixEnd: 2}}, "bad token spec"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Forward(m.NewCache(8), tc.ids, tc.specs, []int{0})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Forward error = %v; want one containing %q", err, tc.want)
			}
		})
	}
}
