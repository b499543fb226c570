package nn

import (
	"fmt"
	"sort"
	"strings"
)

// Config is the architecture of a decoder. JSON names are those written
// to a checkpoint's config.json.
type Config struct {
	Vocab     int     `json:"vocab_size"`  // V, token ids are [0, V)
	Dim       int     `json:"dim"`         // D, model width
	Layers    int     `json:"n_layers"`    // number of decoder blocks
	Heads     int     `json:"n_heads"`     // H, query heads; D must be a multiple
	KVHeads   int     `json:"n_kv_heads"`  // Hkv, key/value heads; 0 means Heads
	FFN       int     `json:"ffn_dim"`     // F, hidden width of the SwiGLU MLP
	MaxSeq    int     `json:"max_seq_len"` // longest sequence (positions 0..MaxSeq-1)
	NormEps   float64 `json:"norm_eps"`    // RMSNorm epsilon; 0 means 1e-5
	RopeTheta float64 `json:"rope_theta"`  // rotary base; 0 means 10000
}

// Sizes are the named configurations. Parameter counts include the tied
// embedding once.
//
//	name   V     D    layers heads ffn   params
//	tiny   4096  128  4      4     256   ≈1.2M
//	small  4096  256  6      4     704   ≈5.9M
//	base   8192  512  6      8     1536  ≈24.6M
var Sizes = map[string]Config{
	"tiny":  {Vocab: 4096, Dim: 128, Layers: 4, Heads: 4, FFN: 256, MaxSeq: 256},
	"small": {Vocab: 4096, Dim: 256, Layers: 6, Heads: 4, FFN: 704, MaxSeq: 256},
	"base":  {Vocab: 8192, Dim: 512, Layers: 6, Heads: 8, FFN: 1536, MaxSeq: 256},
}

// SizeConfig returns the named configuration (see Sizes).
func SizeConfig(name string) (Config, error) {
	c, ok := Sizes[name]
	if !ok {
		names := make([]string, 0, len(Sizes))
		for n := range Sizes {
			names = append(names, n)
		}
		sort.Strings(names)
		return Config{}, fmt.Errorf("nn: unknown model size %q (have %s)", name, strings.Join(names, ", "))
	}
	return c.WithDefaults(), nil
}

// WithDefaults returns c with its zero defaults filled in: KVHeads = Heads,
// NormEps = 1e-5, RopeTheta = 10000.
func (c Config) WithDefaults() Config {
	if c.KVHeads == 0 {
		c.KVHeads = c.Heads
	}
	if c.NormEps == 0 {
		c.NormEps = 1e-5
	}
	if c.RopeTheta == 0 {
		c.RopeTheta = 10000
	}
	return c
}

// MaxParams is the largest parameter count Validate accepts (8 GiB of
// float32), so a corrupt configuration cannot ask for absurd memory.
const MaxParams = 1 << 31

// HeadDim is the width of one attention head, Dim/Heads.
func (c Config) HeadDim() int { return c.Dim / c.Heads }

// Validate reports the first inconsistency in c (after defaults).
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.Vocab < 8 || c.Vocab > 1<<24:
		return fmt.Errorf("nn: vocabulary size %d outside [8, 2^24]", c.Vocab)
	case c.Dim <= 0 || c.Layers <= 0 || c.Heads <= 0 || c.FFN <= 0 || c.MaxSeq <= 1:
		return fmt.Errorf("nn: dim %d, layers %d, heads %d, ffn %d and max_seq_len %d must be positive (max_seq_len > 1)", c.Dim, c.Layers, c.Heads, c.FFN, c.MaxSeq)
	case c.Dim%c.Heads != 0 || c.HeadDim()%2 != 0:
		return fmt.Errorf("nn: dim %d must split into %d heads of even width", c.Dim, c.Heads)
	case c.KVHeads <= 0 || c.Heads%c.KVHeads != 0:
		return fmt.Errorf("nn: %d heads are not a multiple of %d key/value heads", c.Heads, c.KVHeads)
	case c.Dim > 1<<16 || c.FFN > 1<<18 || c.Layers > 1024 || c.MaxSeq > 1<<16:
		return fmt.Errorf("nn: configuration too large (dim %d, ffn %d, layers %d, max_seq_len %d)", c.Dim, c.FFN, c.Layers, c.MaxSeq)
	case !(c.NormEps > 0) || !(c.RopeTheta > 1):
		return fmt.Errorf("nn: norm_eps %g must be > 0 and rope_theta %g > 1", c.NormEps, c.RopeTheta)
	}
	if _, n := c.layout(); n > MaxParams {
		return fmt.Errorf("nn: %d parameters exceed the limit of %d", n, MaxParams)
	}
	return nil
}

// NumParams is the number of float32 parameters.
func (c Config) NumParams() int {
	_, n := c.WithDefaults().layout()
	return n
}
