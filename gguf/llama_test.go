package gguf

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

// mapWeights is a Weights backed by a map.
type mapWeights map[string]weight

type weight struct {
	data  []float32
	shape []int
}

func (m mapWeights) View(name string) ([]float32, []int, bool) {
	w, ok := m[name]
	return w.data, w.shape, ok
}

// randomLlama returns random weights for cfg under Meta Llama names.
func randomLlama(cfg LlamaConfig, seed uint64) mapWeights {
	rng := rand.New(rand.NewPCG(seed, 0))
	m := mapWeights{}
	add := func(name string, shape ...int) {
		d := make([]float32, product(shape))
		for i := range d {
			d[i] = float32(rng.NormFloat64())
		}
		m[name] = weight{d, shape}
	}
	kv := cfg.KVHeads
	if kv == 0 {
		kv = cfg.Heads
	}
	hd := cfg.Dim / cfg.Heads
	add("tok_embeddings.weight", cfg.Vocab, cfg.Dim)
	for l := range cfg.Layers {
		p := fmt.Sprintf("layers.%d.", l)
		add(p+"attention_norm.weight", cfg.Dim)
		add(p+"attention.wq.weight", cfg.Heads*hd, cfg.Dim)
		add(p+"attention.wk.weight", kv*hd, cfg.Dim)
		add(p+"attention.wv.weight", kv*hd, cfg.Dim)
		add(p+"attention.wo.weight", cfg.Dim, cfg.Heads*hd)
		add(p+"ffn_norm.weight", cfg.Dim)
		add(p+"feed_forward.w1.weight", cfg.FFN, cfg.Dim)
		add(p+"feed_forward.w3.weight", cfg.FFN, cfg.Dim)
		add(p+"feed_forward.w2.weight", cfg.Dim, cfg.FFN)
	}
	add("norm.weight", cfg.Dim)
	return m
}

func smallTokenizer(t *testing.T) *tokenizer.Tokenizer {
	t.Helper()
	tok, err := tokenizer.Train([]string{"the cat sat on the mat; the cat's hat is flat", "low lower lowest 123 456"}, 300)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestWriteLlama(t *testing.T) {
	tok := smallTokenizer(t)
	cfg := LlamaConfig{Name: "tiny", Config: nn.Config{Vocab: tok.VocabSize(), Dim: 64, Layers: 2, Heads: 4, KVHeads: 2, FFN: 80, MaxSeq: 32}}
	w := randomLlama(cfg, 1)
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := WriteLlama(path, cfg, w, tok, ExportOptions{Type: TypeQ8_0, Rope: RopeHalves}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantKV := map[string]any{
		KeyArchitecture: "llama", KeyName: "tiny", KeyFileType: uint32(7),
		KeyContextLength: uint32(32), KeyEmbeddingLen: uint32(64), KeyBlockCount: uint32(2),
		KeyFeedForwardLen: uint32(80), KeyHeadCount: uint32(4), KeyHeadCountKV: uint32(2),
		KeyRopeDimCount: uint32(16), KeyRopeFreqBase: float32(10000), KeyRMSEpsilon: float32(1e-5),
		KeyVocabSize: uint32(tok.VocabSize()), KeyTokenizerModel: "gpt2", KeyTokenizerPre: "gpt-2",
		KeyBOS: uint32(tok.BOS()), KeyEOS: uint32(tok.EOS()), KeyPad: uint32(tok.Pad()),
		KeyAddBOS: false, KeyAddEOS: false,
	}
	for k, want := range wantKV {
		if got, ok := f.Value(k); !ok || got != want {
			t.Errorf("%s = %v (%T); want %v (%T)", k, got, got, want, want)
		}
	}
	tokens, _ := f.Value(KeyTokens)
	if !slices.Equal(tokens.([]string), tok.Tokens()) {
		t.Error("tokens differ from the tokenizer's")
	}
	merges, _ := f.Value(KeyMerges)
	if !slices.Equal(merges.([]string), tok.Merges()) {
		t.Error("merges differ from the tokenizer's")
	}
	types, _ := f.Value(KeyTokenType)
	for id, ty := range types.([]int32) {
		if want := map[bool]int32{true: TokenControl, false: TokenNormal}[tok.IsSpecial(id)]; ty != want {
			t.Errorf("token %d type %d; want %d", id, ty, want)
		}
	}

	var names []string
	for _, tn := range f.Tensors {
		names = append(names, tn.Name)
	}
	if got := strings.Join(names, " "); !strings.HasPrefix(got, "token_embd.weight blk.0.attn_norm.weight blk.0.attn_q.weight blk.0.attn_k.weight") ||
		!strings.HasSuffix(got, "blk.1.ffn_down.weight output_norm.weight") || len(names) != 2+2*9 {
		t.Errorf("tensors %s", got)
	}
	emb, _ := f.Tensor("token_embd.weight")
	if !slices.Equal(emb.Shape, []int{tok.VocabSize(), 64}) || emb.Type != TypeQ8_0 {
		t.Errorf("token_embd %s%v; want Q8_0[%d 64]", emb.Type, emb.Shape, tok.VocabSize())
	}
	if n, _ := f.Tensor("blk.0.attn_norm.weight"); n.Type != TypeF32 {
		t.Errorf("attn_norm type %s; want F32", n.Type)
	}
	if d, _ := f.Tensor("blk.0.ffn_down.weight"); d.Type != TypeF16 {
		t.Errorf("ffn_down (rows of 80) type %s; want the F16 fallback", d.Type)
	}
	// Q was permuted from halves to interleaved: row 1 of head 0 is old row 8.
	q, _, err := f.Float32("blk.0.attn_q.weight")
	if err != nil {
		t.Fatal(err)
	}
	orig := w["layers.0.attention.wq.weight"].data
	for c := range 64 {
		if d := q[64+c] - orig[8*64+c]; d > 0.05 || d < -0.05 {
			t.Fatalf("attn_q row 1 col %d = %v; want old row 8's %v", c, q[64+c], orig[8*64+c])
		}
	}
}

func TestWriteLlamaPaddedVocab(t *testing.T) {
	tok := smallTokenizer(t)
	cfg := LlamaConfig{Config: nn.Config{Vocab: tok.VocabSize() + 3, Dim: 32, Layers: 1, Heads: 2, FFN: 32, MaxSeq: 8}}
	path := filepath.Join(t.TempDir(), "pad.gguf")
	if err := WriteLlama(path, cfg, randomLlama(cfg, 8), tok, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tokens, _ := f.Value(KeyTokens)
	types, _ := f.Value(KeyTokenType)
	ts, ty := tokens.([]string), types.([]int32)
	if len(ts) != cfg.Vocab || ts[cfg.Vocab-1] != "<|unused2|>" || ty[cfg.Vocab-1] != TokenUnused || ty[tok.VocabSize()-1] != TokenNormal {
		t.Errorf("padded vocabulary: %d tokens, last %q type %d", len(ts), ts[len(ts)-1], ty[len(ty)-1])
	}
	if v, _ := f.Value(KeyVocabSize); v != uint32(cfg.Vocab) {
		t.Errorf("%s = %v; want %d", KeyVocabSize, v, cfg.Vocab)
	}
}

func TestWriteLlamaErrors(t *testing.T) {
	tok := smallTokenizer(t)
	cfg := LlamaConfig{Config: nn.Config{Vocab: tok.VocabSize(), Dim: 32, Layers: 1, Heads: 2, FFN: 32, MaxSeq: 8}}
	dir := t.TempDir()
	missing := randomLlama(cfg, 2)
	delete(missing, "layers.0.feed_forward.w3.weight")
	wrong := randomLlama(cfg, 3)
	wrong["norm.weight"] = weight{make([]float32, 31), []int{31}}
	badCfg := cfg
	badCfg.Vocab--
	oddHeads := cfg
	oddHeads.Heads = 3
	tests := []struct {
		name string
		cfg  LlamaConfig
		w    Weights
		opt  ExportOptions
		want string
	}{
		{"missing", cfg, missing, ExportOptions{}, "w3.weight missing"},
		{"shape", cfg, wrong, ExportOptions{}, "norm.weight has shape"},
		{"vocab", badCfg, randomLlama(badCfg, 4), ExportOptions{}, "vocabulary"},
		{"heads", oddHeads, randomLlama(cfg, 5), ExportOptions{}, "heads"},
		{"type", cfg, randomLlama(cfg, 6), ExportOptions{Type: 2}, "unsupported"},
	}
	for _, tt := range tests {
		err := WriteLlama(filepath.Join(dir, tt.name+".gguf"), tt.cfg, tt.w, tok, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: WriteLlama error = %v; want one mentioning %q", tt.name, err, tt.want)
		}
	}
	if err := WriteLlama(filepath.Join(dir, "nil.gguf"), cfg, randomLlama(cfg, 7), nil, ExportOptions{}); err == nil {
		t.Error("WriteLlama without a tokenizer succeeded")
	}
}
