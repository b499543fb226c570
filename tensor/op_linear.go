package tensor

import (
	"fmt"

	"github.com/cemlab/cem/tensor/kernel"
)

// Linear returns y = x·wᵀ, a linear layer without bias.
//
//	x: [N, K]   w: [M, K] (row = output unit)   y: [N, M]
//
// Backward: dx += dy·w, dw += dyᵀ·x.
func (tp *Tape) Linear(x, w *Tensor) *Tensor {
	n, k := x.rows(), x.cols()
	m := w.rows()
	if w.cols() != k {
		panic(fmt.Sprintf("tensor.Linear: x %v and w %v disagree on K", x.Shape, w.Shape))
	}
	y := tp.out(false, []*Tensor{x, w}, n, m)
	kernel.Sgemm(false, true, n, m, k, 1, x.Data, k, w.Data, k, 0, y.Data, m)
	tp.record(y, func() {
		dy := y.grad
		if dy == nil {
			return
		}
		if x.needGrad {
			dx, fresh := x.gFresh()
			beta := float32(1)
			if fresh {
				beta = 0
			}
			kernel.Sgemm(false, false, n, k, m, 1, dy, m, w.Data, k, beta, dx, k)
		}
		if w.needGrad {
			kernel.Sgemm(true, false, m, k, n, 1, dy, m, x.Data, k, 1, w.g(), k)
		}
	})
	return y
}

// Add returns y = a + b elementwise (a residual connection).
//
//	a, b, y: same number of elements; y has a's shape.
//
// Backward: da += dy, db += dy.
func (tp *Tape) Add(a, b *Tensor) *Tensor {
	if len(a.Data) != len(b.Data) {
		panic(fmt.Sprintf("tensor.Add: shapes %v and %v differ", a.Shape, b.Shape))
	}
	y := tp.out(false, []*Tensor{a, b}, a.Shape...)
	parallelSpans(len(y.Data), func(s, e int) {
		ad, bd, yd := a.Data[s:e], b.Data[s:e], y.Data[s:e]
		for i := range yd {
			yd[i] = ad[i] + bd[i]
		}
	})
	tp.record(y, func() {
		dy := y.grad
		if dy == nil {
			return
		}
		for _, in := range []*Tensor{a, b} {
			if in.needGrad {
				g, fresh := in.gFresh()
				parallelSpans(len(dy), func(s, e int) {
					if fresh {
						copy(g[s:e], dy[s:e])
					} else {
						kernel.Axpy(1, dy[s:e], g[s:e])
					}
				})
			}
		}
	})
	return y
}

// SwiGLU returns the gated activation of a fused [a | b] projection:
//
//	ab: [N, 2F] (a = columns [0, F), b = columns [F, 2F))   y: [N, F]
//	y = silu(a) ⊙ b,  silu(a) = a·σ(a)
//
// Forward computes silu with kernel.SiLU (vectorised) and keeps σ(a) =
// silu(a)/a (1/2 at a = 0) [N, F]. Backward, on vector kernels:
// db = dy ⊙ silu(a), da = dy ⊙ b ⊙ (σ + silu − silu⊙σ), the derivative
// of silu being σ(1 + a(1−σ)).
func (tp *Tape) SwiGLU(ab *Tensor) *Tensor {
	n, f2 := ab.rows(), ab.cols()
	if f2%2 != 0 {
		panic(fmt.Sprintf("tensor.SwiGLU: width %d is odd", f2))
	}
	f := f2 / 2
	y := tp.out(false, []*Tensor{ab}, n, f)
	var sig []float32
	if y.needGrad {
		sig = tp.arena.alloc(n * f)
	}
	parallelRows(n, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			a, b, o := ab.Data[r*f2:r*f2+f], ab.Data[r*f2+f:r*f2+f2], y.Data[r*f:r*f+f]
			kernel.SiLU(o, a)
			if sig != nil {
				sg := sig[r*f : r*f+f]
				for i, ai := range a {
					if ai != 0 {
						sg[i] = o[i] / ai
					} else {
						sg[i] = 0.5
					}
				}
			}
			kernel.Mul(o, o, b)
		}
	})
	tp.record(y, func() {
		dy := y.grad
		if dy == nil || !ab.needGrad {
			return
		}
		dab, fresh := ab.gFresh()
		parallelRows(n, func(lo, hi int) {
			silu, t := make([]float32, f), make([]float32, f)
			for r := lo; r < hi; r++ {
				a, b, d := ab.Data[r*f2:r*f2+f], ab.Data[r*f2+f:r*f2+f2], dy[r*f:r*f+f]
				da, db, sg := dab[r*f2:r*f2+f], dab[r*f2+f:r*f2+f2], sig[r*f:r*f+f]
				if fresh {
					clear(da)
					clear(db)
				}
				kernel.Mul(silu, a, sg)
				kernel.Mul(t, d, silu)
				kernel.Axpy(1, t, db)   // db += dy⊙silu
				kernel.Mul(t, silu, sg) // silu⊙σ
				kernel.Add(silu, silu, sg)
				kernel.Axpy(-1, t, silu) // σ + silu − silu⊙σ
				kernel.Mul(silu, silu, b)
				kernel.Mul(silu, silu, d)
				kernel.Axpy(1, silu, da) // da += dy⊙b⊙silu'
			}
		})
	})
	return y
}
