package gguf_test

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cemlab/cem/gguf"
	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

// envNodeLlama names the node_modules folder holding node-llama-cpp (and
// @node-llama-cpp/linux-x64), installed outside the repository with
//
//	npm install --omit=optional node-llama-cpp@3.21.1 @node-llama-cpp/linux-x64@3.21.1
const envNodeLlama = "CEM_NODE_LLAMA"

// checkTexts are tokenised by both sides: contractions, whitespace runs,
// numbers, punctuation, non-Latin scripts, literal special-token text.
var checkTexts = []string{
	"Hello world", "I'm here, aren't you? They'll say we've gone; he'd know it's true.",
	"a  b   c\n\n\nd \n e\t\tf  ", "  leading and trailing  ", "x2024 y 42z ½ⅷ3",
	"!!! ?? (a) [b] {c} -- ...", "naïve café résumé", "日本語のテキスト、です。", "Привет, мир!",
	"emoji 😀 and 👍🏽", "<|end|> <|begin|>text<|pad|>", "'S 'x 'll 're 've 'd 'm 't 's",
	"\u00a0nbsp\u3000ideographic\u2009thin", "tab\tseparated\tvalues\r\nwindows",
	"The quick brown fox jumps over the lazy dog.", "",
}

func TestLlamaCpp(t *testing.T) {
	modules := os.Getenv(envNodeLlama)
	if modules == "" {
		t.Skipf("llama.cpp check skipped: set %s to a node_modules folder with node-llama-cpp@3.21.1 and @node-llama-cpp/linux-x64@3.21.1", envNodeLlama)
	}
	if _, err := os.Stat(filepath.Join(modules, "node-llama-cpp", "dist", "index.js")); err != nil {
		t.Skipf("llama.cpp check skipped: %s=%s has no node-llama-cpp: %v", envNodeLlama, modules, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("llama.cpp check skipped: no node on PATH: %v", err)
	}

	texts := append([]string(nil), checkTexts...)
	train := []string{strings.Repeat("the cat sat on the mat; the cat's hat is flat. ", 20)}
	if lines := gcideLines(1 << 19); lines != nil {
		train = lines
		for _, l := range gcideTail(1<<16, 300) {
			texts = append(texts, l)
		}
	}
	tok, err := tokenizer.Train(train, 1024)
	if err != nil {
		t.Fatal(err)
	}

	cfg := nn.Config{Vocab: tok.VocabSize(), Dim: 64, Layers: 2, Heads: 4, KVHeads: 2, FFN: 128, MaxSeq: 64}
	m, err := nn.NewModel(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Sharpen the random model so that mistakes in layout show in the
	// probabilities: larger matrices, uneven norm gains.
	for _, v := range m.Views {
		d := m.Params[v.Off : v.Off+v.Len()]
		for i := range d {
			if len(v.Shape) == 1 {
				d[i] = 0.5 + float32((i*37)%100)/100
			} else {
				d[i] *= 8
			}
		}
	}
	lc := gguf.LlamaConfig{Name: "cem-check", Vocab: cfg.Vocab, Dim: cfg.Dim, Layers: cfg.Layers, Heads: cfg.Heads,
		KVHeads: cfg.KVHeads, FFN: cfg.FFN, MaxSeq: cfg.MaxSeq}
	dir := t.TempDir()
	variants := []struct {
		name string
		opt  gguf.ExportOptions
		tol  float64 // largest allowed |Δ log p|; negative: must differ by more than -tol
	}{
		{"f32", gguf.ExportOptions{Type: gguf.TypeF32}, 2e-3},
		{"f16", gguf.ExportOptions{Type: gguf.TypeF16}, 5e-2},
		{"q8_0", gguf.ExportOptions{Type: gguf.TypeQ8_0}, 0.6}, // llama.cpp also quantises activations
		{"wrong-rope", gguf.ExportOptions{Type: gguf.TypeF32, Rope: gguf.RopeHalves}, -0.1},
	}
	type model struct {
		Path string `json:"path"`
		Eval bool   `json:"eval"`
	}
	var models []model
	for _, v := range variants {
		p := filepath.Join(dir, v.name+".gguf")
		if err := gguf.WriteLlama(p, lc, m, tok, v.opt); err != nil {
			t.Fatal(err)
		}
		models = append(models, model{p, true})
	}

	eval := tok.Encode("The cat's hat, 42 times: a  flat\nmat!")
	for len(eval) < 24 {
		eval = append(eval, eval...)
	}
	eval = eval[:24]
	in := map[string]any{"models": models, "texts": texts, "eval": eval, "vocab": cfg.Vocab, "context": cfg.MaxSeq}
	inPath, outPath := filepath.Join(dir, "in.json"), filepath.Join(dir, "out.json")
	b, _ := json.Marshal(in)
	if err := os.WriteFile(inPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "llamacheck.mjs"), inPath, outPath)
	cmd.Env = append(os.Environ(), envNodeLlama+"="+modules)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node llamacheck.mjs: %v\n%s", err, out)
	}
	var got struct {
		Models []struct {
			Path   string      `json:"path"`
			Tokens [][]int     `json:"tokens"`
			Text   []string    `json:"text"`
			Probs  [][]float64 `json:"probs"`
		} `json:"models"`
	}
	b, err = os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}

	// Tokenisation: llama.cpp must split and merge exactly as cem does.
	lm := got.Models[0]
	mismatches := 0
	for i, text := range texts {
		want := tok.Encode(text)
		if fmt.Sprint(lm.Tokens[i]) != fmt.Sprint(want) {
			mismatches++
			if mismatches <= 5 {
				t.Errorf("llama.cpp tokenises %q as %v; cem as %v", text, lm.Tokens[i], want)
			}
		}
		// llama.cpp's detokeniser applies clean_up_tokenization_spaces for
		// the gpt-2 pre-tokenizer (" ?" -> "?", " 's" -> "'s", ...), so
		// compare with the spaces around punctuation dropped.
		if utf8.ValidString(text) && unspaced(lm.Text[i]) != unspaced(text) {
			t.Errorf("llama.cpp detokenises %q as %q", text, lm.Text[i])
		}
	}
	t.Logf("tokenisation: %d texts, %d mismatches", len(texts), mismatches)

	// Probabilities along eval, against cem's own forward pass.
	cache := m.NewCache(len(eval))
	ids := make([]int32, len(eval))
	spec := make([]nn.TokSpec, len(eval))
	need := make([]int, len(eval))
	for i, id := range eval {
		ids[i], spec[i], need[i] = int32(id), nn.TokSpec{Pos: int32(i)}, i
	}
	logits, err := m.Forward(cache, ids, spec, need)
	if err != nil {
		t.Fatal(err)
	}
	for vi, v := range variants {
		worst := maxLogProbDiff(logits, got.Models[vi].Probs, cfg.Vocab)
		t.Logf("%s: max |Δ log p| over %d positions = %.3g", v.name, len(eval), worst)
		switch {
		case v.tol > 0 && !(worst <= v.tol):
			t.Errorf("%s: llama.cpp's log-probabilities differ from cem's by %.3g; want <= %g", v.name, worst, v.tol)
		case v.tol < 0 && !(worst > -v.tol):
			t.Errorf("%s: a deliberately wrong RoPE layout matched within %.3g; the check is not sensitive", v.name, worst)
		}
	}
}

// unspaced drops the spaces before ? ! . , and around apostrophes.
func unspaced(s string) string {
	for _, p := range []string{" ?", " !", " .", " ,", " '", "' "} {
		s = strings.ReplaceAll(s, p, strings.TrimSpace(p))
	}
	return s
}

// maxLogProbDiff compares cem's logits [n, V] with llama.cpp's
// probabilities on tokens both find likely (p > 1e-4).
func maxLogProbDiff(logits []float32, probs [][]float64, vocab int) float64 {
	if len(probs)*vocab != len(logits) {
		return math.Inf(1)
	}
	worst := 0.0
	for p, row := range probs {
		l := logits[p*vocab : (p+1)*vocab]
		mx := math.Inf(-1)
		for _, x := range l {
			mx = math.Max(mx, float64(x))
		}
		sum := 0.0
		for _, x := range l {
			sum += math.Exp(float64(x) - mx)
		}
		for id, q := range row {
			lp := float64(l[id]) - mx - math.Log(sum)
			if q > 1e-4 || lp > math.Log(1e-4) {
				worst = math.Max(worst, math.Abs(math.Log(math.Max(q, 1e-30))-lp))
			}
		}
	}
	return worst
}

// gcideLines returns about n bytes of gcide text split in lines, or nil
// when the demo data is absent.
func gcideLines(n int64) []string {
	root := os.Getenv("CEM_DATA")
	if root == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		root = filepath.Join(c, "cem", "data", "root")
	}
	f, err := os.Open(filepath.Join(root, "usr/share/dictd/gcide.dict.dz"))
	if err != nil {
		return nil
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(z, n))
	if err != nil {
		return nil
	}
	return strings.SplitAfter(string(b), "\n")
}

// gcideTail returns up to k lines from the end of the first n bytes.
func gcideTail(n int64, k int) []string {
	lines := gcideLines(n)
	if len(lines) > k {
		lines = lines[len(lines)-k:]
	}
	return lines
}
