package tensor

import (
	"fmt"

	"github.com/cemlab/cem/tensor/kernel"
)

// RMSNorm returns y = x / rms(x) ⊙ g, row by row:
//
//	x: [N, D]   g: [D]   y: [N, D]
//	r_i = 1/sqrt(mean_j x_ij² + eps),  y_ij = x_ij·r_i·g_j
//
// Backward (xhat = x·r): dg += Σ_i dy_i ⊙ xhat_i;
// dx_i = r_i·(dy_i⊙g − xhat_i·mean_j(dy_ij·g_j·xhat_ij)).
func (tp *Tape) RMSNorm(x, g *Tensor, eps float32) *Tensor {
	n, d := x.rows(), x.cols()
	if len(g.Data) != d {
		panic(fmt.Sprintf("tensor.RMSNorm: x %v and gain %v disagree", x.Shape, g.Shape))
	}
	y := tp.out(false, []*Tensor{x, g}, x.Shape...)
	rinv := tp.arena.alloc(n)
	parallelRows(n, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			rinv[r] = kernel.RMSNorm(y.Data[r*d:r*d+d], x.Data[r*d:r*d+d], g.Data, eps)
		}
	})
	tp.record(y, func() {
		dy := y.grad
		if dy == nil {
			return
		}
		var dx []float32
		fresh := false
		if x.needGrad {
			dx, fresh = x.gFresh()
		}
		chunks := (n + rowChunk - 1) / rowChunk
		var partial []float32
		if g.needGrad {
			partial = tp.arena.allocZero(chunks * d)
		}
		parallelRows(n, func(lo, hi int) {
			var pg []float32
			if partial != nil {
				pg = partial[lo/rowChunk*d : lo/rowChunk*d+d]
			}
			tmp := make([]float32, d)
			for r := lo; r < hi; r++ {
				xr, dyr := x.Data[r*d:r*d+d], dy[r*d:r*d+d]
				ri := rinv[r]
				if dx != nil {
					// dx = r·(dy⊙g) − r³·mean((dy⊙g)⊙x)·x
					kernel.Mul(tmp, dyr, g.Data)
					m := ri * ri * ri * kernel.Dot(tmp, xr) / float32(d)
					dxr := dx[r*d : r*d+d]
					if fresh {
						clear(dxr)
					}
					kernel.Axpy(ri, tmp, dxr)
					kernel.Axpy(-m, xr, dxr)
				}
				if pg != nil {
					kernel.Mul(tmp, dyr, xr)
					kernel.Axpy(ri, tmp, pg)
				}
			}
		})
		if partial != nil {
			dg := g.g()
			for c := range chunks {
				kernel.Axpy(1, partial[c*d:c*d+d], dg)
			}
		}
	})
	return y
}

// Embedding returns the rows of table selected by ids:
//
//	table: [V, D]   ids: [N], each in [0, V)   y: [N, D]
//
// Backward: dtable[ids[i]] += dy[i], accumulated in order of i.
func (tp *Tape) Embedding(table *Tensor, ids []int32) *Tensor {
	v, d := table.rows(), table.cols()
	for i, id := range ids {
		if id < 0 || int(id) >= v {
			panic(fmt.Sprintf("tensor.Embedding: id %d at %d outside vocabulary of %d", id, i, v))
		}
	}
	n := len(ids)
	y := tp.out(false, []*Tensor{table}, n, d)
	parallelRows(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			copy(y.Data[i*d:i*d+d], table.Data[int(ids[i])*d:int(ids[i])*d+d])
		}
	})
	tp.record(y, func() {
		dy := y.grad
		if dy == nil || !table.needGrad {
			return
		}
		dt := table.g()
		// Split the vocabulary into fixed parts; each part scans all ids in
		// order, so every row's sum has the same order for any worker count.
		const parts = 16
		per := (v + parts - 1) / parts
		parallelFor(parts, func(p int) {
			lo, hi := int32(p*per), int32(min((p+1)*per, v))
			for i, id := range ids {
				if id >= lo && id < hi {
					kernel.Axpy(1, dy[i*d:i*d+d], dt[int(id)*d:int(id)*d+d])
				}
			}
		})
	})
	return y
}
