package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/cemlab/cem/tensor"
)

// View is one named parameter tensor inside the flat buffer.
type View struct {
	Name  string
	Shape []int
	Off   int  // first element in the flat buffer
	Decay bool // weight decay applies (matrices; not norm gains)
}

// Len is the number of elements of v.
func (v View) Len() int {
	n := 1
	for _, s := range v.Shape {
		n *= s
	}
	return n
}

// layout returns the views in buffer order and the total size. Wq, Wk, Wv
// are adjacent (one fused [(H+2Hkv)·hd, D] matrix), and so are W1, W3.
func (c Config) layout() ([]View, int) {
	var views []View
	off := 0
	add := func(name string, decay bool, shape ...int) {
		v := View{Name: name, Shape: shape, Off: off, Decay: decay}
		views = append(views, v)
		off += v.Len()
	}
	hd := c.HeadDim()
	add("tok_embeddings.weight", true, c.Vocab, c.Dim)
	for l := range c.Layers {
		p := fmt.Sprintf("layers.%d.", l)
		add(p+"attention_norm.weight", false, c.Dim)
		add(p+"attention.wq.weight", true, c.Heads*hd, c.Dim)
		add(p+"attention.wk.weight", true, c.KVHeads*hd, c.Dim)
		add(p+"attention.wv.weight", true, c.KVHeads*hd, c.Dim)
		add(p+"attention.wo.weight", true, c.Dim, c.Heads*hd)
		add(p+"ffn_norm.weight", false, c.Dim)
		add(p+"feed_forward.w1.weight", true, c.FFN, c.Dim)
		add(p+"feed_forward.w3.weight", true, c.FFN, c.Dim)
		add(p+"feed_forward.w2.weight", true, c.Dim, c.FFN)
	}
	add("norm.weight", false, c.Dim)
	return views, off
}

// Model is a decoder: its configuration and flat parameter buffer. Grads
// is allocated by the first training step. A Model is safe for
// concurrent inference but not for concurrent training; it must not be
// copied.
type Model struct {
	Config Config
	Params []float32 // all parameters, laid out as Views
	Grads  []float32 // same layout; nil until training
	Views  []View

	rope   *tensor.Rope
	byName map[string]int
	tapes  sync.Pool // *tensor.Tape for inference, reused across calls
}

// layer holds tensors wrapping one block's parameter views.
type layer struct {
	attnNorm, wqkv, wo, ffnNorm, w13, w2 *tensor.Tensor
}

// NewModel returns a model with freshly initialised weights: normal with
// standard deviation 0.02 for matrices (the residual output projections Wo
// and W2 scaled by 1/sqrt(2·layers)) and ones for norm gains, drawn from a
// PCG generator seeded by seed.
func NewModel(cfg Config, seed uint64) (*Model, error) {
	m, err := newEmpty(cfg)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6e6e))
	resid := 0.02 / math.Sqrt(2*float64(cfg.Layers))
	for _, v := range m.Views {
		d := m.Params[v.Off : v.Off+v.Len()]
		switch {
		case len(v.Shape) == 1:
			for i := range d {
				d[i] = 1
			}
		default:
			std := 0.02
			if hasSuffix(v.Name, "wo.weight") || hasSuffix(v.Name, "w2.weight") {
				std = resid
			}
			for i := range d {
				d[i] = float32(rng.NormFloat64() * std)
			}
		}
	}
	return m, nil
}

// NewModelFrom wraps existing parameters (len cfg.NumParams()).
func NewModelFrom(cfg Config, params []float32) (*Model, error) {
	m, err := newEmpty(cfg)
	if err != nil {
		return nil, err
	}
	if len(params) != len(m.Params) {
		return nil, fmt.Errorf("nn: %d parameters for a configuration that needs %d", len(params), len(m.Params))
	}
	m.Params = params
	return m, nil
}

func newEmpty(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	views, n := cfg.layout()
	rope, err := tensor.NewRope(cfg.HeadDim(), cfg.MaxSeq, cfg.RopeTheta)
	if err != nil {
		return nil, fmt.Errorf("nn: %w", err)
	}
	m := &Model{Config: cfg, Params: make([]float32, n), Views: views, rope: rope, byName: map[string]int{}}
	for i, v := range views {
		m.byName[v.Name] = i
	}
	return m, nil
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// View returns the named parameter's values (aliasing Params) and its
// shape, or false when no parameter has that name.
func (m *Model) View(name string) ([]float32, []int, bool) {
	i, ok := m.byName[name]
	if !ok {
		return nil, nil, false
	}
	v := m.Views[i]
	return m.Params[v.Off : v.Off+v.Len()], v.Shape, true
}

// tensors wraps the parameter views as tensors; with grads they require
// gradients that accumulate into m.Grads.
func (m *Model) tensors(withGrad bool) (emb, outNorm *tensor.Tensor, layers []layer) {
	c := m.Config
	hd := c.HeadDim()
	wrap := func(name string, rows, cols int) *tensor.Tensor {
		v := m.Views[m.byName[name]]
		n := rows * cols
		data := m.Params[v.Off : v.Off+n]
		var g []float32
		if withGrad {
			g = m.Grads[v.Off : v.Off+n]
		}
		return tensor.NewParam(data, g, rows, cols)
	}
	emb = wrap("tok_embeddings.weight", c.Vocab, c.Dim)
	outNorm = wrap("norm.weight", 1, c.Dim)
	for l := range c.Layers {
		p := fmt.Sprintf("layers.%d.", l)
		layers = append(layers, layer{
			attnNorm: wrap(p+"attention_norm.weight", 1, c.Dim),
			wqkv:     wrap(p+"attention.wq.weight", (c.Heads+2*c.KVHeads)*hd, c.Dim),
			wo:       wrap(p+"attention.wo.weight", c.Dim, c.Heads*hd),
			ffnNorm:  wrap(p+"ffn_norm.weight", 1, c.Dim),
			w13:      wrap(p+"feed_forward.w1.weight", 2*c.FFN, c.Dim),
			w2:       wrap(p+"feed_forward.w2.weight", c.Dim, c.FFN),
		})
	}
	return emb, outNorm, layers
}
