package gguf_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cemlab/cem/demodata/demotest"
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
	if lines := gcideLines(t, 1<<19); lines != nil {
		train = lines
		for _, l := range gcideTail(t, 1<<16, 300) {
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
	lc := gguf.LlamaConfig{Name: "cem-check", Config: cfg}
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
		Path  string   `json:"path"`
		Eval  bool     `json:"eval"`
		Texts []string `json:"texts,omitempty"`
	}
	var models []model
	for _, v := range variants {
		p := filepath.Join(dir, v.name+".gguf")
		if err := gguf.WriteLlama(p, lc, m, tok, v.opt); err != nil {
			t.Fatal(err)
		}
		models = append(models, model{Path: p, Eval: true})
	}

	// The probe model also pads its vocabulary: five unused ids.
	probeTok, probeTexts := probeTokenizer(t, dir)
	pcfg := nn.Config{Vocab: probeTok.VocabSize() + 5, Dim: 32, Layers: 1, Heads: 2, FFN: 32, MaxSeq: 16}
	pm, err := nn.NewModel(pcfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	probePath := filepath.Join(dir, "probe.gguf")
	err = gguf.WriteLlama(probePath, gguf.LlamaConfig{Config: pcfg}, pm, probeTok, gguf.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}

	eval := tok.Encode("The cat's hat, 42 times: a  flat\nmat!")
	for len(eval) < 24 {
		eval = append(eval, eval...)
	}
	eval = eval[:24]
	in := map[string]any{"models": append(models, model{Path: probePath, Texts: probeTexts}), "texts": texts, "eval": eval, "vocab": cfg.Vocab, "context": cfg.MaxSeq}
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

	// Unicode classes: the probe model's tokens reveal every pre-token
	// boundary next to each swept code point.
	probe := got.Models[len(got.Models)-1]
	var differ []string
	for i, text := range probeTexts {
		if fmt.Sprint(probe.Tokens[i]) != fmt.Sprint(probeTok.Encode(text)) {
			r, _ := utf8.DecodeRuneInString(text[1:]) // after the probe's "a"
			differ = append(differ, fmt.Sprintf("%U", r))
		}
	}
	// Go 1.26 has Unicode 15.0 tables, llama.cpp its own; blocks that
	// differ would hold code points the two class differently.
	if len(differ) > 0 {
		t.Errorf("Unicode sweep: %d of %d blocks of %d code points split differently, starting at %v", len(differ), len(probeTexts), sweepBlock, differ)
	}
	t.Logf("Unicode sweep: %d blocks of %d code points, %d split differently", len(probeTexts), sweepBlock, len(differ))

	// Probabilities along eval, against cem's own forward pass.
	cache := m.NewCache(len(eval))
	ids := make([]int32, len(eval))
	spec := make([]nn.TokSpec, len(eval))
	need := make([]int, len(eval))
	for i, id := range eval {
		ids[i], spec[i], need[i] = int32(id), nn.TokSpec{Pos: int32(i), Slot: int32(i)}, i
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

const sweepBlock = 64

// probeTokenizer builds a tokenizer whose merges expose pre-token
// boundaries around any code point c: besides the bytes it only merges
// 'a', '1' or ' ' with the first byte of c (a byte in a lead-byte position)
// and the last byte of c with 'a' or '1'. In the probe "a" c "a 1" c "1 " c "!"
// those merges apply exactly where the pre-tokenizer keeps c in one word
// with its neighbour, so llama.cpp's tokens equal cem's only when both
// class c alike (letter: joined with a; number: with 1; other: with the
// space before it; whitespace: with nothing). It returns the probes for
// planes 0-3 and E0000-E01FF, sweepBlock code points per text.
func probeTokenizer(t *testing.T, dir string) (*tokenizer.Tokenizer, []string) {
	t.Helper()
	var tokens []string
	for b := range 256 {
		tokens = append(tokens, tokenizer.ByteToUnicode(string([]byte{byte(b)})))
	}
	tokens = append(tokens, tokenizer.BeginToken, tokenizer.EndToken, tokenizer.PadToken, tokenizer.InstToken, tokenizer.RespToken)
	var merges []string
	merge := func(l, r byte) {
		ls, rs := tokenizer.ByteToUnicode(string([]byte{l})), tokenizer.ByteToUnicode(string([]byte{r}))
		merges = append(merges, ls+" "+rs)
		tokens = append(tokens, ls+rs)
	}
	for b := 0x80; b < 0x100; b++ { // multi-byte characters
		if b >= 0xC2 && b <= 0xF4 {
			merge('a', byte(b))
			merge('1', byte(b))
			merge(' ', byte(b))
		}
		if b < 0xC0 {
			merge(byte(b), 'a')
			merge(byte(b), '1')
		}
	}
	// Single-byte characters other than the probe's own a, 1 and space.
	for b := 0; b < 0x80; b++ {
		if b == 'a' || b == '1' || b == ' ' {
			continue
		}
		merge('a', byte(b))
		merge('1', byte(b))
		merge(' ', byte(b))
		merge(byte(b), 'a')
		merge(byte(b), '1')
	}
	specials := map[string]int{}
	for i, name := range []string{tokenizer.BeginToken, tokenizer.EndToken, tokenizer.PadToken, tokenizer.InstToken, tokenizer.RespToken} {
		specials[name] = 256 + i
	}
	b, err := json.Marshal(map[string]any{"format": tokenizer.FileFormat, "version": tokenizer.FileVersion,
		"pretokenizer": tokenizer.PreTokenizer, "specials": specials, "tokens": tokens, "merges": merges})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "probe-tokenizer.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tok, err := tokenizer.Load(path)
	if err != nil {
		t.Fatal(err)
	}

	var texts []string
	var sb strings.Builder
	n := 0
	add := func(r rune) {
		if r == 'a' || r == '1' || r == ' ' || (r >= 0xD800 && r < 0xE000) {
			return // the probe's own characters; surrogates are not UTF-8
		}
		fmt.Fprintf(&sb, "a%ca 1%c1 %c! ", r, r, r)
		if n++; n == sweepBlock {
			texts = append(texts, sb.String())
			sb.Reset()
			n = 0
		}
	}
	for r := rune(0); r < 0x32000; r++ {
		add(r)
	}
	for r := rune(0xE0000); r < 0xE0200; r++ {
		add(r)
	}
	if sb.Len() > 0 {
		texts = append(texts, sb.String())
	}
	return tok, texts
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
// when the demo data is absent (a failure under CEM_REQUIRE_DATA, see
// demotest.Have).
func gcideLines(t *testing.T, n int64) []string {
	t.Helper()
	p, ok := demotest.Have(t)
	if !ok {
		return nil
	}
	return demotest.GCIDELines(t, p, 0, n)
}

// gcideTail returns up to k lines from the end of the first n bytes.
func gcideTail(t *testing.T, n int64, k int) []string {
	t.Helper()
	lines := gcideLines(t, n)
	if len(lines) > k {
		lines = lines[len(lines)-k:]
	}
	return lines
}
