package nn

import (
	"fmt"
	"math"

	"github.com/cemlab/cem/tensor"
	"github.com/cemlab/cem/tensor/kernel"
)

// KVCache holds the rotated keys and the values of tokens for every
// layer in Cap slots. Which slot holds which token is the caller's
// business (see TokSpec).
type KVCache struct {
	k, v [][]float32 // per layer: [Cap, Hkv·hd]
	Cap  int
}

// NewCache returns an empty cache for up to capacity tokens.
func (m *Model) NewCache(capacity int) *KVCache {
	w := m.Config.KVHeads * m.Config.HeadDim()
	c := &KVCache{Cap: capacity}
	for range m.Config.Layers {
		c.k = append(c.k, make([]float32, capacity*w))
		c.v = append(c.v, make([]float32, capacity*w))
	}
	return c
}

// TokSpec places one new token: its rotary position, the cache slot its
// key and value are written to, and the slots it attends to:
// [PrefixStart, PrefixEnd) and [SelfStart, Slot]. Slots attended must
// hold earlier tokens (from earlier calls, or from this call: all keys of
// a call are written before any token attends).
type TokSpec struct {
	Pos                    int32
	Slot                   int32
	PrefixStart, PrefixEnd int32
	SelfStart              int32
}

// Forward writes tokens into their cache slots and returns the logits of
// the new tokens at offsets need, [len(need), V] row-major. It fails when
// an id is outside the vocabulary or a spec points outside the cache or
// past the model's positions.
func (m *Model) Forward(c *KVCache, tokens []int32, spec []TokSpec, need []int) ([]float32, error) {
	n := len(tokens)
	cfg := m.Config
	if len(spec) != n {
		return nil, fmt.Errorf("nn: %d tokens with %d specs", n, len(spec))
	}
	for i, t := range tokens {
		s := spec[i]
		self := s.Slot
		if self < 0 || int(self) >= c.Cap {
			return nil, fmt.Errorf("nn: token %d goes to slot %d of a cache of %d", i, self, c.Cap)
		}
		if t < 0 || int(t) >= cfg.Vocab {
			return nil, fmt.Errorf("nn: token id %d at %d outside vocabulary of %d", t, i, cfg.Vocab)
		}
		if s.Pos < 0 || int(s.Pos) >= cfg.MaxSeq || s.PrefixStart < 0 || s.PrefixEnd < s.PrefixStart || s.PrefixEnd > self || s.SelfStart < 0 || s.SelfStart > self {
			return nil, fmt.Errorf("nn: bad token spec %+v at cache index %d (max position %d)", s, self, cfg.MaxSeq-1)
		}
	}
	if n > 1 {
		// Two new tokens written to one slot would silently overwrite each
		// other's keys and values.
		seen := make(map[int32]int, n)
		for i := range spec {
			if j, dup := seen[spec[i].Slot]; dup {
				return nil, fmt.Errorf("nn: tokens %d and %d both go to cache slot %d", j, i, spec[i].Slot)
			}
			seen[spec[i].Slot] = i
		}
	}
	for _, k := range need {
		if k < 0 || k >= n {
			return nil, fmt.Errorf("nn: logits wanted at %d of %d tokens", k, n)
		}
	}
	if n == 0 {
		return nil, nil
	}
	tp, _ := m.tapes.Get().(*tensor.Tape)
	if tp == nil {
		tp = tensor.NewTape()
		tp.NoGrad = true
	}
	defer func() {
		tp.Reset()
		m.tapes.Put(tp)
	}()
	emb, outNorm, layers := m.tensors(false)
	eps := float32(cfg.NormEps)
	x := tp.Embedding(emb, tokens) // [n, D]
	for li, l := range layers {
		h := tp.RMSNorm(x, l.attnNorm, eps) // [n, D]
		qkv := tp.Linear(h, l.wqkv)         // [n, (H+2Hkv)·hd]
		a := m.cachedAttention(tp, c, li, qkv, spec)
		x = tp.Add(x, tp.Linear(a, l.wo)) // [n, D]
		h = tp.RMSNorm(x, l.ffnNorm, eps) // [n, D]
		s := tp.SwiGLU(tp.Linear(h, l.w13))
		x = tp.Add(x, tp.Linear(s, l.w2))
	}
	if len(need) == 0 {
		return nil, nil
	}
	d := cfg.Dim
	sel := tp.New(len(need), d)
	for k, i := range need {
		copy(sel.Data[k*d:k*d+d], x.Data[i*d:i*d+d])
	}
	sel = tp.RMSNorm(sel, outNorm, eps)
	logits := make([]float32, len(need)*cfg.Vocab)
	kernel.Sgemm(false, true, len(need), cfg.Vocab, d, 1, sel.Data, d, emb.Data, d, 0, logits, cfg.Vocab)
	return logits, nil
}

// cachedAttention rotates the new queries and keys, appends keys and
// values to layer li of the cache and attends each new token to its
// allowed cache range.
//
//	qkv: [n, (H+2Hkv)·hd] → y: [n, H·hd]
func (m *Model) cachedAttention(tp *tensor.Tape, c *KVCache, li int, qkv *tensor.Tensor, spec []TokSpec) *tensor.Tensor {
	cfg := m.Config
	h, hkv, hd := cfg.Heads, cfg.KVHeads, cfg.HeadDim()
	n, width, kvw := len(spec), (h+2*hkv)*hd, hkv*hd
	rep := h / hkv
	y := tp.New(n, h*hd)
	kc, vc := c.k[li], c.v[li]
	parallelChunks(n, func(i int) {
		row := qkv.Data[i*width : (i+1)*width]
		for k := range h + hkv {
			m.rope.Rotate(row[k*hd:k*hd+hd], row[k*hd:k*hd+hd], int(spec[i].Pos), false)
		}
		at := int(spec[i].Slot) * kvw
		copy(kc[at:at+kvw], row[h*hd:h*hd+kvw])
		copy(vc[at:at+kvw], row[h*hd+kvw:h*hd+2*kvw])
	})
	scale := float32(1 / math.Sqrt(float64(hd)))
	const tokChunk = 8
	parallelChunks((n+tokChunk-1)/tokChunk, func(ch int) {
		scores := make([]float32, c.Cap)
		idx := make([]int32, 0, c.Cap)
		for i := ch * tokChunk; i < min((ch+1)*tokChunk, n); i++ {
			s := spec[i]
			idx = idx[:0]
			for j := s.PrefixStart; j < s.PrefixEnd; j++ {
				idx = append(idx, j)
			}
			for j := max(s.SelfStart, s.PrefixEnd); j <= s.Slot; j++ {
				idx = append(idx, j)
			}
			for hh := range h {
				g := hh / rep
				q := qkv.Data[i*width+hh*hd : i*width+hh*hd+hd]
				sc := scores[:len(idx)]
				for k, j := range idx {
					sc[k] = kernel.Dot(q, kc[int(j)*kvw+g*hd:int(j)*kvw+g*hd+hd]) * scale
				}
				kernel.Softmax(sc)
				o := y.Data[i*h*hd+hh*hd : i*h*hd+hh*hd+hd]
				clear(o)
				for k, j := range idx {
					kernel.Axpy(sc[k], vc[int(j)*kvw+g*hd:int(j)*kvw+g*hd+hd], o)
				}
			}
		}
	})
	return y
}
