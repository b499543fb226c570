package tensor

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// param returns a gradient-requiring tensor of random values in [-s, s].
func param(rng *rand.Rand, s float32, shape ...int) *Tensor {
	n := numel(shape)
	d := make([]float32, n)
	for i := range d {
		d[i] = (rng.Float32()*2 - 1) * s
	}
	return NewParam(d, make([]float32, n), shape...)
}

// gradCheck compares the analytic gradients of L = Σ c_i·y_i (c fixed and
// random; L itself when y is a scalar) with central finite differences
// for a sample of elements of every input.
func gradCheck(t *testing.T, inputs []*Tensor, f func(tp *Tape) *Tensor) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	for _, in := range inputs {
		clear(in.grad)
	}
	tp := NewTape()
	y := f(tp)
	c := make([]float32, len(y.Data))
	for i := range c {
		c[i] = rng.Float32()*2 - 1
	}
	if len(c) == 1 {
		c[0] = 1
	}
	if err := tp.BackwardFrom(y, c); err != nil {
		t.Fatal(err)
	}
	eval := func() float64 {
		tp := NewTape()
		tp.NoGrad = true
		y := f(tp)
		var s float64
		for i, v := range y.Data {
			s += float64(c[i]) * float64(v)
		}
		return s
	}
	for k, in := range inputs {
		var num, ana []float64
		idx := rng.Perm(len(in.Data))
		if len(idx) > 24 {
			idx = idx[:24]
		}
		for _, i := range idx {
			old := in.Data[i]
			eps := float32(1e-2) * max(1, float32(math.Abs(float64(old))))
			in.Data[i] = old + eps
			fp := eval()
			in.Data[i] = old - eps
			fm := eval()
			in.Data[i] = old
			num = append(num, (fp-fm)/float64(2*eps))
			ana = append(ana, float64(in.grad[i]))
		}
		var diff, norm float64
		for i := range num {
			diff += (num[i] - ana[i]) * (num[i] - ana[i])
			norm += (num[i] + ana[i]) * (num[i] + ana[i])
		}
		rel := math.Sqrt(diff) / max(math.Sqrt(norm), 1e-6)
		if rel > 2e-2 {
			t.Errorf("input %d %v: relative gradient error = %.3g; want <= 2e-2\nnumeric  %.5g\nanalytic %.5g", k, in.Shape, rel, num, ana)
		}
	}
}

func testRope(t *testing.T, hd int) *Rope {
	r, err := NewRope(hd, 64, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name   string
		inputs []*Tensor
		f      func(in []*Tensor) func(tp *Tape) *Tensor
	}{
		{"Linear", []*Tensor{param(rng, 1, 5, 7), param(rng, 1, 3, 7)}, func(in []*Tensor) func(*Tape) *Tensor {
			return func(tp *Tape) *Tensor { return tp.Linear(in[0], in[1]) }
		}},
		{"Add", []*Tensor{param(rng, 1, 4, 3), param(rng, 1, 4, 3)}, func(in []*Tensor) func(*Tape) *Tensor {
			return func(tp *Tape) *Tensor { return tp.Add(in[0], in[1]) }
		}},
		{"RMSNorm", []*Tensor{param(rng, 1, 70, 6), param(rng, 1, 6)}, func(in []*Tensor) func(*Tape) *Tensor {
			return func(tp *Tape) *Tensor { return tp.RMSNorm(in[0], in[1], 1e-5) }
		}},
		{"SwiGLU", []*Tensor{param(rng, 2, 6, 8)}, func(in []*Tensor) func(*Tape) *Tensor {
			return func(tp *Tape) *Tensor { return tp.SwiGLU(in[0]) }
		}},
		{"Embedding", []*Tensor{param(rng, 1, 40, 3)}, func(in []*Tensor) func(*Tape) *Tensor {
			ids := []int32{3, 1, 3, 39, 0, 3}
			return func(tp *Tape) *Tensor { return tp.Embedding(in[0], ids) }
		}},
		{"ClassifierLoss", []*Tensor{param(rng, 1, 6, 4), param(rng, 1, 9, 4)}, func(in []*Tensor) func(*Tape) *Tensor {
			targets := []int32{1, 8, 0, 3, 3, 5}
			weights := []float32{1, 0, 0.5, 2, 1, 0}
			return func(tp *Tape) *Tensor { return tp.ClassifierLoss(in[0], in[1], targets, weights, 3) }
		}},
		{"Attention", []*Tensor{param(rng, 1, 11, (4+2*2)*4)}, func(in []*Tensor) func(*Tape) *Tensor {
			spec := AttnSpec{Heads: 4, KVHeads: 2, HeadDim: 4, Rope: testRope(t, 4),
				Segments: []Segment{{0, 5}, {5, 1}, {6, 5}}}
			return func(tp *Tape) *Tensor { return tp.Attention(in[0], spec) }
		}},
		{"AttentionMHA", []*Tensor{param(rng, 1, 9, 3*2*6)}, func(in []*Tensor) func(*Tape) *Tensor {
			spec := AttnSpec{Heads: 2, KVHeads: 2, HeadDim: 6, Rope: testRope(t, 6), Segments: []Segment{{0, 9}}}
			return func(tp *Tape) *Tensor { return tp.Attention(in[0], spec) }
		}},
		{"AttentionBlocks", []*Tensor{param(rng, 1, 143, (2+2*1)*4)}, func(in []*Tensor) func(*Tape) *Tensor {
			rope, _ := NewRope(4, 200, 10000)
			spec := AttnSpec{Heads: 2, KVHeads: 1, HeadDim: 4, Rope: rope, Segments: []Segment{{0, 140}, {140, 3}}}
			return func(tp *Tape) *Tensor { return tp.Attention(in[0], spec) }
		}},
		{"Chain", []*Tensor{param(rng, 1, 7, 8), param(rng, 1, 8), param(rng, 0.5, 3*2*4, 8)}, func(in []*Tensor) func(*Tape) *Tensor {
			spec := AttnSpec{Heads: 2, KVHeads: 2, HeadDim: 4, Rope: testRope(t, 4), Segments: []Segment{{0, 3}, {3, 4}}}
			return func(tp *Tape) *Tensor {
				h := tp.RMSNorm(in[0], in[1], 1e-5)
				a := tp.Attention(tp.Linear(h, in[2]), spec)
				return tp.Add(a, in[0])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { gradCheck(t, tt.inputs, tt.f(tt.inputs)) })
	}
}

// TestAttentionMasking checks that a token's output depends only on its own
// segment's earlier tokens.
func TestAttentionMasking(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := param(rng, 1, 10, 3*2*4)
	spec := AttnSpec{Heads: 2, KVHeads: 2, HeadDim: 4, Rope: testRope(t, 4), Segments: []Segment{{0, 4}, {4, 6}}}
	run := func() []float32 {
		tp := NewTape()
		return append([]float32(nil), tp.Attention(x, spec).Data...)
	}
	base := run()
	// Change token 6: rows 0..5 must not move; rows 6..9 may.
	for j := range 24 {
		x.Data[6*24+j] += 0.5
	}
	got := run()
	for i := range 6 * 8 {
		if got[i] != base[i] {
			t.Fatalf("row %d changed after editing a later/other-segment token", i/8)
		}
	}
	// The second segment starts at position 0: it must equal the same
	// tokens attended alone.
	alone := NewParam(append([]float32(nil), x.Data[4*24:]...), nil, 6, 24)
	tp := NewTape()
	y := tp.Attention(alone, AttnSpec{Heads: 2, KVHeads: 2, HeadDim: 4, Rope: spec.Rope, Segments: []Segment{{0, 6}}})
	for i, v := range y.Data {
		if v != got[4*8+i] {
			t.Fatalf("segment output %d = %g; alone %g", i, got[4*8+i], v)
		}
	}
}

// TestDeterministicAcrossProcs runs a small chain forward and backward
// with 1 and 4 goroutines and wants bit-identical results.
func TestDeterministicAcrossProcs(t *testing.T) {
	run := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rng := rand.New(rand.NewPCG(5, 6))
		x, g, w := param(rng, 1, 100, 16), param(rng, 1, 16), param(rng, 0.3, 3*4*4, 16)
		emb := param(rng, 1, 30, 16)
		spec := AttnSpec{Heads: 4, KVHeads: 4, HeadDim: 4, Rope: testRope(t, 4), Segments: []Segment{{0, 40}, {40, 60}}}
		tp := NewTape()
		ids := make([]int32, 100)
		wts := make([]float32, 100)
		for i := range ids {
			ids[i], wts[i] = int32(i%30), float32(i%3)
		}
		e := tp.Embedding(emb, ids)
		h := tp.RMSNorm(tp.Add(x, e), g, 1e-5)
		a := tp.Attention(tp.Linear(h, w), spec)
		loss := tp.ClassifierLoss(tp.SwiGLU(a), NewConst(emb.Data[:30*8], 30, 8), ids, wts, 100)
		if err := tp.Backward(loss); err != nil {
			t.Fatal(err)
		}
		var out []float32
		for _, p := range []*Tensor{x, g, w, emb} {
			out = append(out, p.grad...)
		}
		return append(out, loss.Data[0])
	}
	a, b := run(1), run(4)
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("value %d = %g with 4 goroutines; %g with 1", i, b[i], a[i])
		}
	}
}
