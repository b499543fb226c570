package gguf

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

// Metadata keys written by WriteLlama (names as in llama.cpp's
// gguf-py/gguf/constants.py).
const (
	KeyArchitecture = "general.architecture"
	KeyName         = "general.name"
	KeyAlignment    = "general.alignment"
	KeyFileType     = "general.file_type"

	KeyContextLength  = "llama.context_length"
	KeyEmbeddingLen   = "llama.embedding_length"
	KeyBlockCount     = "llama.block_count"
	KeyFeedForwardLen = "llama.feed_forward_length"
	KeyHeadCount      = "llama.attention.head_count"
	KeyHeadCountKV    = "llama.attention.head_count_kv"
	KeyRopeDimCount   = "llama.rope.dimension_count"
	KeyRopeFreqBase   = "llama.rope.freq_base"
	KeyRMSEpsilon     = "llama.attention.layer_norm_rms_epsilon"
	KeyVocabSize      = "llama.vocab_size"

	KeyTokenizerModel = "tokenizer.ggml.model"
	KeyTokenizerPre   = "tokenizer.ggml.pre"
	KeyTokens         = "tokenizer.ggml.tokens"
	KeyTokenType      = "tokenizer.ggml.token_type"
	KeyMerges         = "tokenizer.ggml.merges"
	KeyBOS            = "tokenizer.ggml.bos_token_id"
	KeyEOS            = "tokenizer.ggml.eos_token_id"
	KeyPad            = "tokenizer.ggml.padding_token_id"
	KeyAddBOS         = "tokenizer.ggml.add_bos_token"
	KeyAddEOS         = "tokenizer.ggml.add_eos_token"
	KeyChatTemplate   = "tokenizer.chat_template"
)

// PreTokenizerGPT2 is the tokenizer.ggml.pre value llama.cpp maps to the
// GPT-2 split pattern that package tokenizer implements. (llama.cpp
// spells it "gpt-2"; "gpt2" is rejected as an unknown pre-tokenizer.)
const PreTokenizerGPT2 = "gpt-2"

// Token types of tokenizer.ggml.token_type (llama.cpp's llama_token_type).
const (
	TokenNormal  int32 = 1
	TokenControl int32 = 3
	TokenUnused  int32 = 5
)

// RopeLayout says how the rows of each attention head in the query and key
// weights pair up for rotary position embedding.
type RopeLayout int

const (
	// RopeInterleaved pairs dimensions (2i, 2i+1) of each head, as Meta's
	// Llama checkpoints, cem's nn package and llama.cpp's llama
	// architecture do. Weights are written unchanged. The zero value.
	RopeInterleaved RopeLayout = iota
	// RopeHalves pairs dimensions (i, i+hd/2), the "rotate half" (NeoX,
	// Hugging Face) convention. WriteLlama permutes the rows of the query
	// and key weights into the interleaved order with InterleaveHalves.
	RopeHalves
)

// LlamaConfig is the architecture of the model to export.
type LlamaConfig struct {
	Name string // general.name; "cem" when empty
	// Config is the model's shape (MaxSeq is the context length written);
	// its zero KVHeads, NormEps and RopeTheta mean nn's defaults.
	nn.Config
	// ChatTemplate, when set, is written as tokenizer.chat_template: the
	// Jinja template llama.cpp's chat endpoint formats messages with.
	ChatTemplate string
}

// Weights gives a parameter's row-major values and shape by its Meta
// Llama name (tok_embeddings.weight, layers.N.attention.wq.weight, ...,
// norm.weight, and output.weight when the output is not tied).
// *nn.Model implements it.
type Weights interface {
	View(name string) ([]float32, []int, bool)
}

// ExportOptions tune WriteLlama. The zero value writes F32 weights with
// the interleaved RoPE layout, no BOS added by llama.cpp, and alignment 32.
type ExportOptions struct {
	// Type of the matrices (F32, F16 or Q8_0). Norm gains are always F32;
	// a matrix whose rows are not a multiple of 32 long falls back from
	// Q8_0 to F16.
	Type Type
	// Rope is the layout of the query and key weights (see RopeLayout).
	Rope RopeLayout
	// AddBOS sets tokenizer.ggml.add_bos_token: whether llama.cpp puts BOS
	// before a prompt.
	AddBOS bool
}

// tensorNames maps a Meta Llama parameter name (with N for the layer) to
// llama.cpp's GGUF name.
var tensorNames = map[string]string{
	"tok_embeddings.weight":           "token_embd.weight",
	"norm.weight":                     "output_norm.weight",
	"output.weight":                   "output.weight",
	"layers.N.attention_norm.weight":  "blk.N.attn_norm.weight",
	"layers.N.attention.wq.weight":    "blk.N.attn_q.weight",
	"layers.N.attention.wk.weight":    "blk.N.attn_k.weight",
	"layers.N.attention.wv.weight":    "blk.N.attn_v.weight",
	"layers.N.attention.wo.weight":    "blk.N.attn_output.weight",
	"layers.N.ffn_norm.weight":        "blk.N.ffn_norm.weight",
	"layers.N.feed_forward.w1.weight": "blk.N.ffn_gate.weight",
	"layers.N.feed_forward.w3.weight": "blk.N.ffn_up.weight",
	"layers.N.feed_forward.w2.weight": "blk.N.ffn_down.weight",
}

// TensorName returns llama.cpp's GGUF name for a Meta Llama parameter name
// ("layers.3.attention.wq.weight" -> "blk.3.attn_q.weight"), or false when
// the name is not a Llama parameter.
func TensorName(meta string) (string, bool) {
	rest, ok := strings.CutPrefix(meta, "layers.")
	if !ok {
		g, ok := tensorNames[meta]
		return g, ok && !strings.HasPrefix(meta, "layers.")
	}
	num, suffix, ok := strings.Cut(rest, ".")
	if !ok || num == "" || strings.Trim(num, "0123456789") != "" {
		return "", false
	}
	g, ok := tensorNames["layers.N."+suffix]
	if !ok {
		return "", false
	}
	return strings.Replace(g, ".N.", "."+num+".", 1), true
}

// InterleaveHalves returns a copy of a [heads·hd, cols] row-major weight
// whose rows within each head are reordered from the rotate-half layout
// (rotary pairs (i, i+hd/2)) to the interleaved one (pairs (2i, 2i+1)):
// new row 2i+j of a head is old row j·hd/2+i. It is the permutation
// llama.cpp's convert_hf_to_gguf.py applies to Hugging Face Llama q/k
// weights. It fails when the shape does not divide into heads of even
// width.
func InterleaveHalves(w []float32, rows, cols, heads int) ([]float32, error) {
	if heads <= 0 || rows%heads != 0 || (rows/heads)%2 != 0 || len(w) != rows*cols {
		return nil, fmt.Errorf("gguf: cannot split a [%d, %d] weight (%d values) into %d heads of even width", rows, cols, len(w), heads)
	}
	hd := rows / heads
	out := make([]float32, len(w))
	for h := range heads {
		for i := range hd / 2 {
			for j := range 2 {
				dst := (h*hd + 2*i + j) * cols
				src := (h*hd + j*hd/2 + i) * cols
				copy(out[dst:dst+cols], w[src:src+cols])
			}
		}
	}
	return out, nil
}

func (c LlamaConfig) withDefaults() LlamaConfig {
	if c.Name == "" {
		c.Name = "cem"
	}
	c.Config = c.Config.WithDefaults()
	return c
}

// LlamaMetadata returns the metadata WriteLlama writes: the llama
// hyper-parameters, the file type and the tokenizer (model "gpt2",
// pre-tokenizer "gpt-2", tokens, token types with special tokens as
// CONTROL, merges, BOS/EOS/padding ids, add_bos_token = addBOS,
// add_eos_token = false, and tokenizer.chat_template when cfg has one). When cfg.Vocab exceeds the tokenizer's
// vocabulary (a model with padded embedding rows), the extra ids get
// UNUSED tokens "<|unused0|>", "<|unused1|>", ..., which llama.cpp never
// produces from text and skips when detokenising.
func LlamaMetadata(cfg LlamaConfig, tok *tokenizer.Tokenizer, fileType Type, addBOS bool) []KV {
	c := cfg.withDefaults()
	tokens := tok.Tokens()
	types := make([]int32, len(tokens), max(len(tokens), c.Vocab))
	for id := range types {
		types[id] = TokenNormal
		if tok.IsSpecial(id) {
			types[id] = TokenControl
		}
	}
	for i := 0; len(tokens) < c.Vocab; i++ {
		tokens = append(tokens, fmt.Sprintf("<|unused%d|>", i))
		types = append(types, TokenUnused)
	}
	ft := uint32(0) // LLAMA_FTYPE_ALL_F32
	switch fileType {
	case TypeF16:
		ft = 1 // LLAMA_FTYPE_MOSTLY_F16
	case TypeQ8_0:
		ft = 7 // LLAMA_FTYPE_MOSTLY_Q8_0
	}
	kvs := []KV{
		{KeyArchitecture, "llama"},
		{KeyName, c.Name},
		{KeyFileType, ft},
		{KeyContextLength, uint32(c.MaxSeq)},
		{KeyEmbeddingLen, uint32(c.Dim)},
		{KeyBlockCount, uint32(c.Layers)},
		{KeyFeedForwardLen, uint32(c.FFN)},
		{KeyHeadCount, uint32(c.Heads)},
		{KeyHeadCountKV, uint32(c.KVHeads)},
		{KeyRopeDimCount, uint32(c.Dim / c.Heads)},
		{KeyRopeFreqBase, float32(c.RopeTheta)},
		{KeyRMSEpsilon, float32(c.NormEps)},
		{KeyVocabSize, uint32(len(tokens))},
		{KeyTokenizerModel, "gpt2"},
		{KeyTokenizerPre, PreTokenizerGPT2},
		{KeyTokens, tokens},
		{KeyTokenType, types},
		{KeyMerges, tok.Merges()},
		{KeyBOS, uint32(tok.BOS())},
		{KeyEOS, uint32(tok.EOS())},
		{KeyPad, uint32(tok.Pad())},
		{KeyAddBOS, addBOS},
		{KeyAddEOS, false},
	}
	if c.ChatTemplate != "" {
		kvs = append(kvs, KV{KeyChatTemplate, c.ChatTemplate})
	}
	return kvs
}

// WriteLlama exports a Llama-style model to a GGUF file at path that
// llama.cpp loads as architecture "llama": the metadata of LlamaMetadata
// and the tensors token_embd, blk.N.{attn_norm, attn_q, attn_k, attn_v,
// attn_output, ffn_norm, ffn_gate, ffn_up, ffn_down} and output_norm, plus
// output.weight only when w has one (otherwise llama.cpp ties the output
// to token_embd). This is the function the native backend calls.
//
// It fails, writing nothing, when the configuration is inconsistent,
// cfg.Vocab is below the tokenizer's vocabulary size (above it, the extra
// ids become unused tokens, see LlamaMetadata), a weight is missing
// or has the wrong shape, or opt.Type is not F32, F16 or Q8_0.
func WriteLlama(path string, cfg LlamaConfig, w Weights, tok *tokenizer.Tokenizer, opt ExportOptions) error {
	c := cfg.withDefaults()
	if err := c.validate(tok); err != nil {
		return fmt.Errorf("gguf: export %s: %w", path, err)
	}
	if opt.Type != TypeF32 && opt.Type != TypeF16 && opt.Type != TypeQ8_0 {
		return fmt.Errorf("gguf: export %s: unsupported weight type %s", path, opt.Type)
	}
	hd := c.Dim / c.Heads
	type want struct {
		name  string
		shape []int
		heads int // > 0: a q/k weight of that many heads
	}
	wants := []want{{"tok_embeddings.weight", []int{c.Vocab, c.Dim}, 0}}
	for l := range c.Layers {
		p := fmt.Sprintf("layers.%d.", l)
		wants = append(wants,
			want{p + "attention_norm.weight", []int{c.Dim}, 0},
			want{p + "attention.wq.weight", []int{c.Heads * hd, c.Dim}, c.Heads},
			want{p + "attention.wk.weight", []int{c.KVHeads * hd, c.Dim}, c.KVHeads},
			want{p + "attention.wv.weight", []int{c.KVHeads * hd, c.Dim}, 0},
			want{p + "attention.wo.weight", []int{c.Dim, c.Heads * hd}, 0},
			want{p + "ffn_norm.weight", []int{c.Dim}, 0},
			want{p + "feed_forward.w1.weight", []int{c.FFN, c.Dim}, 0},
			want{p + "feed_forward.w3.weight", []int{c.FFN, c.Dim}, 0},
			want{p + "feed_forward.w2.weight", []int{c.Dim, c.FFN}, 0},
		)
	}
	wants = append(wants, want{"norm.weight", []int{c.Dim}, 0})
	if _, _, ok := w.View("output.weight"); ok {
		wants = append(wants, want{"output.weight", []int{c.Vocab, c.Dim}, 0})
	}

	tensors := make([]Tensor, 0, len(wants))
	for _, wt := range wants {
		data, shape, ok := w.View(wt.name)
		if !ok {
			return fmt.Errorf("gguf: export %s: weight %s missing", path, wt.name)
		}
		if !slices.Equal(shape, wt.shape) || len(data) != product(wt.shape) {
			return fmt.Errorf("gguf: export %s: weight %s has shape %v (%d values), want %v", path, wt.name, shape, len(data), wt.shape)
		}
		if wt.heads > 0 && opt.Rope == RopeHalves {
			var err error
			if data, err = InterleaveHalves(data, wt.shape[0], wt.shape[1], wt.heads); err != nil {
				return fmt.Errorf("gguf: export %s: weight %s: %w", path, wt.name, err)
			}
		}
		name, _ := TensorName(wt.name)
		t, err := encodeWeight(name, wt.shape, data, opt.Type)
		if err != nil {
			return fmt.Errorf("gguf: export %s: %w", path, err)
		}
		tensors = append(tensors, t)
	}
	return WriteFile(path, LlamaMetadata(c, tok, opt.Type, opt.AddBOS), tensors)
}

// encodeWeight encodes one weight: vectors as F32, matrices as typ (Q8_0
// falling back to F16 when rows are not a multiple of 32 long).
func encodeWeight(name string, shape []int, data []float32, typ Type) (Tensor, error) {
	switch {
	case len(shape) == 1 || typ == TypeF32:
		return F32(name, shape, data), nil
	case typ == TypeQ8_0 && shape[len(shape)-1]%q8Block == 0:
		return Q8_0(name, shape, data)
	}
	return F16(name, shape, data), nil
}

func (c LlamaConfig) validate(tok *tokenizer.Tokenizer) error {
	switch {
	case tok == nil:
		return errors.New("no tokenizer")
	case c.Vocab < tok.VocabSize():
		return fmt.Errorf("model vocabulary %d is smaller than the tokenizer's %d", c.Vocab, tok.VocabSize())
	case c.Dim <= 0 || c.Layers <= 0 || c.Heads <= 0 || c.FFN <= 0 || c.MaxSeq <= 0:
		return fmt.Errorf("dim %d, layers %d, heads %d, ffn %d and context %d must be positive", c.Dim, c.Layers, c.Heads, c.FFN, c.MaxSeq)
	case c.Dim%c.Heads != 0 || (c.Dim/c.Heads)%2 != 0:
		return fmt.Errorf("dim %d does not split into %d heads of even width", c.Dim, c.Heads)
	case c.KVHeads <= 0 || c.Heads%c.KVHeads != 0:
		return fmt.Errorf("%d heads are not a multiple of %d key/value heads", c.Heads, c.KVHeads)
	case c.Dim > 1<<20 || c.FFN > 1<<22 || c.Layers > 1<<12 || c.MaxSeq > 1<<24:
		return fmt.Errorf("configuration too large")
	}
	return nil
}

func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
