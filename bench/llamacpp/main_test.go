package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/cemlab/cem/gguf"
	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

func testTokenizer(t *testing.T) *tokenizer.Tokenizer {
	t.Helper()
	tok, err := tokenizer.Train([]string{sampleText}, 300)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestMakeItems(t *testing.T) {
	tok := testTokenizer(t)
	const maxSeq = 48
	items := makeItems(tok, maxSeq, 50, 3)
	again := makeItems(tok, maxSeq, 50, 3)
	want := 0
	for i, it := range items {
		if it.Prompt[0] != int32(tok.BOS()) || len(it.Prompt) < 17 || len(it.Conts) != 4 {
			t.Fatalf("item %d: prompt %v, %d continuations; want <bos> and 16+ tokens, 4 continuations", i, it.Prompt, len(it.Conts))
		}
		longest := 0
		want += len(it.Prompt)
		for ci, c := range it.Conts {
			if len(c) < 1 || len(c) > 10 {
				t.Errorf("item %d continuation %d has %d tokens; want 1 to 10", i, ci, len(c))
			}
			longest = max(longest, len(c))
			want += len(c) - 1
			for j, id := range c {
				if tok.IsSpecial(int(id)) || id != again[i].Conts[ci][j] {
					t.Errorf("item %d continuation %d: id %d special or not reproduced", i, ci, id)
				}
			}
		}
		if len(it.Prompt)+longest > maxSeq {
			t.Errorf("item %d needs %d positions; the model has %d", i, len(it.Prompt)+longest, maxSeq)
		}
		for _, id := range it.Prompt[1:] {
			if tok.IsSpecial(int(id)) || int(id) >= tok.VocabSize() {
				t.Errorf("item %d: prompt id %d special or outside the vocabulary", i, id)
			}
		}
	}
	if got := forwardTokens(items); got != want {
		t.Errorf("forwardTokens = %d; want %d", got, want)
	}
}

func TestCompare(t *testing.T) {
	items := []nn.ScoreItem{
		{Prompt: []int32{1, 2}, Conts: [][]int32{{3}, {4, 5}}},
		{Prompt: []int32{1, 2}, Conts: [][]int32{{3, 3}, {4}}},
		{Prompt: []int32{1}, Conts: [][]int32{{7}}}, // not done by llama.cpp
	}
	cem := [][]nn.ContScore{
		{{LogProbs: []float32{-1}}, {LogProbs: []float32{-0.5, -0.25}}},
		{{LogProbs: []float32{-2, -2}}, {LogProbs: []float32{-3}}},
		{{LogProbs: []float32{-1}}},
	}
	f := func(v float64) *float64 { return &v }
	ll := [][][]*float64{
		{{f(-1.001)}, {f(-0.5), f(-0.26)}}, // both pick continuation 1
		{{f(-2), f(-2.1)}, {f(-3.5)}},      // cem: -4, -3; llama.cpp: -4.1, -3.5
	}
	bm := benchModel{name: "m", net: &nn.Model{Config: nn.Config{Vocab: 100}}}
	a, err := compare(bm, items, cem, ll)
	if err != nil {
		t.Fatal(err)
	}
	if a.items != 2 || a.conts != 4 || a.toks != 6 || a.sameChoice != 2 || a.zeroProb != 0 {
		t.Errorf("compare = %+v; want 2 items, 4 continuations, 6 tokens, 2 same choices", a)
	}
	if math.Abs(a.maxSum-0.5) > 1e-6 || math.Abs(a.maxTok-0.5) > 1e-6 {
		t.Errorf("max diffs %g (sum), %g (token); want 0.5, 0.5", a.maxSum, a.maxTok)
	}
	if want := -(1 + 0.75 + 4 + 3) / 6.0; math.Abs(a.meanLogProb-want) > 1e-6 {
		t.Errorf("mean log-prob %g; want %g", a.meanLogProb, want)
	}

	ll[1][1][0] = nil // probability 0 in llama.cpp
	if a, _ := compare(bm, items, cem, ll); a.zeroProb != 1 || !math.IsInf(a.maxSum, 1) || a.sameChoice != 1 {
		t.Errorf("with a zero probability: %+v; want 1 zero, infinite difference, 1 same choice", a)
	}
	if _, err := compare(bm, items, cem, append(ll, ll...)); err == nil {
		t.Error("compare accepted more items than there are")
	}
	ll[0][1] = ll[0][1][:1]
	if _, err := compare(bm, items, cem, ll); err == nil {
		t.Error("compare accepted a continuation with a missing token")
	}
}

// TestLlamaCppAgrees runs score.mjs through measure on a small model when
// CEM_NODE_LLAMA names node-llama-cpp, and checks the log-probs agree.
func TestLlamaCppAgrees(t *testing.T) {
	modules := os.Getenv("CEM_NODE_LLAMA")
	node, why := findLlama(modules)
	if node == "" {
		t.Skip("llama.cpp check skipped: " + why)
	}
	tok := testTokenizer(t)
	cfg := nn.Config{Vocab: tok.VocabSize() + 4, Dim: 64, Layers: 2, Heads: 4, KVHeads: 2, FFN: 128, MaxSeq: 96}
	m, err := nn.NewModel(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range m.Views {
		if len(v.Shape) > 1 {
			for i := range m.Params[v.Off : v.Off+v.Len()] {
				m.Params[v.Off+i] *= 8
			}
		}
	}
	dir := t.TempDir()
	o := options{items: 12, threads: []int{1}, seqs: 2, batch: 256, reps: 1, warmup: 2, nodeModules: modules, ggufType: gguf.TypeF32}
	b := &bench{o: o, node: node, script: filepath.Join(dir, "score.mjs"), tmp: dir}
	if err := os.WriteFile(b.script, scoreScript, 0o644); err != nil {
		t.Fatal(err)
	}
	bm := benchModel{name: "test", net: m, tok: tok}
	path := filepath.Join(dir, "m.gguf")
	err = gguf.WriteLlama(path, gguf.LlamaConfig{Config: cfg}, m, tok, gguf.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	items := makeItems(tok, cfg.MaxSeq, o.items, 1)
	rows, a, res, err := b.measure(context.Background(), bm, path, items, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res == nil || len(rows) != 4 || rows[0].engine != "cem" {
		t.Fatalf("rows %+v, result %v; want cem and three llama.cpp rows", rows, res)
	}
	for _, r := range rows {
		if r.items != o.items || r.tokens != forwardTokens(items) || !(r.seconds > 0) {
			t.Errorf("row %+v; want %d items, %d tokens, a positive time", r, o.items, forwardTokens(items))
		}
	}
	t.Logf("max |Δ| %.3g per continuation, %.3g per token; cem mean log p %.2f (uniform %.2f)", a.maxSum, a.maxTok, a.meanLogProb, a.uniformLogProb)
	if a.items != o.items || a.sameChoice != o.items || !(a.maxSum < 1e-3) || a.zeroProb != 0 {
		t.Errorf("agreement %+v; want all %d items, the same choices and |Δ| < 1e-3", a, o.items)
	}
	// The sharpened model is far from uniform, so the agreement is not trivial.
	if a.meanLogProb > a.uniformLogProb-0.5 {
		t.Errorf("cem's mean log-prob %.2f is near uniform (%.2f): the check is not sensitive", a.meanLogProb, a.uniformLogProb)
	}
}
