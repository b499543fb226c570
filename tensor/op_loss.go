package tensor

import (
	"fmt"
	"math"

	"github.com/cemlab/cem/tensor/kernel"
)

// ClassifierLoss is the fused output layer and weighted cross-entropy:
//
//	x: [N, D] final hidden states   w: [V, D] output (often tied embedding)
//	targets: [N] in [0, V)   weights: [N], >= 0   norm > 0
//	logits_i = x_i·wᵀ
//	loss = Σ_i weights[i]·(−log softmax(logits_i)[targets[i]]) / norm
//
// Rows with weight 0 are skipped entirely (no logits are computed), so
// prompt tokens of instruction examples cost nothing here. The result is
// a scalar tensor. Forward keeps the probabilities of the weighted rows;
// backward turns them into dlogits = (p − onehot)·weight/norm in place.
func (tp *Tape) ClassifierLoss(x, w *Tensor, targets []int32, weights []float32, norm float32) *Tensor {
	n, d := x.rows(), x.cols()
	v := w.rows()
	if w.cols() != d || len(targets) != n || len(weights) != n || !(norm > 0) {
		panic(fmt.Sprintf("tensor.ClassifierLoss: x %v, w %v, %d targets, %d weights, norm %g", x.Shape, w.Shape, len(targets), len(weights), norm))
	}
	var rows []int32
	for i, wt := range weights {
		if wt != 0 {
			if targets[i] < 0 || int(targets[i]) >= v {
				panic(fmt.Sprintf("tensor.ClassifierLoss: target %d at %d outside vocabulary of %d", targets[i], i, v))
			}
			rows = append(rows, int32(i))
		}
	}
	loss := tp.out(false, []*Tensor{x, w}, 1)
	loss.Data[0] = 0
	m := len(rows)
	if m == 0 {
		return loss
	}
	xs := tp.arena.alloc(m * d)
	for k, i := range rows {
		copy(xs[k*d:k*d+d], x.Data[int(i)*d:int(i)*d+d])
	}
	probs := tp.arena.alloc(m * v)
	kernel.Sgemm(false, true, m, v, d, 1, xs, d, w.Data, d, 0, probs, v)
	nll := tp.arena.alloc(m)
	parallelRows(m, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			nll[k] = softmaxNLL(probs[k*v:k*v+v], targets[rows[k]])
		}
	})
	var total float64
	for k, i := range rows {
		total += float64(weights[i]) * float64(nll[k])
	}
	loss.Data[0] = float32(total / float64(norm))

	tp.record(loss, func() {
		dl := loss.grad[0]
		parallelRows(m, func(lo, hi int) {
			for k := lo; k < hi; k++ {
				i := rows[k]
				row := probs[k*v : k*v+v]
				row[targets[i]] -= 1
				kernel.Scale(weights[i]/norm*dl, row)
			}
		})
		if x.needGrad {
			dxs := tp.arena.alloc(m * d)
			kernel.Sgemm(false, false, m, d, v, 1, probs, v, w.Data, d, 0, dxs, d)
			dx, fresh := x.gFresh()
			if fresh { // rows without weight get no gradient from here
				for i, wt := range weights {
					if wt == 0 {
						clear(dx[i*d : i*d+d])
					}
				}
			}
			for k, i := range rows {
				if fresh {
					copy(dx[int(i)*d:int(i)*d+d], dxs[k*d:k*d+d])
				} else {
					kernel.Axpy(1, dxs[k*d:k*d+d], dx[int(i)*d:int(i)*d+d])
				}
			}
		}
		if w.needGrad {
			kernel.Sgemm(true, false, v, d, m, 1, probs, v, xs, d, 1, w.g(), d)
		}
	})
	return loss
}

// softmaxNLL replaces row with softmax(row) and returns −log of the
// probability of t, as lse − row[t]. The softmax is kernel.Softmax
// (vectorised); the sum of exponentials it used is 1/p at the maximum,
// so lse = max − log p_max needs no second pass and never underflows.
func softmaxNLL(row []float32, t int32) float32 {
	top := kernel.MaxIndex(row)
	if top < 0 { // all NaN: the caller reports the NaN loss
		return float32(math.NaN())
	}
	m, logit := row[top], row[t]
	kernel.Softmax(row)
	return m - float32(math.Log(float64(row[top]))) - logit
}
