package tensor

import (
	"fmt"
	"math"

	"github.com/cemlab/cem/tensor/kernel"
)

// Segment is a run of Len tokens starting at row Start that attend only
// to each other (one packed document). Positions restart at 0 in each
// segment.
type Segment struct{ Start, Len int }

// AttnSpec describes a causal self-attention.
type AttnSpec struct {
	Heads    int // H, query heads
	KVHeads  int // Hkv, key/value heads; H must be a multiple (grouped-query)
	HeadDim  int // hd
	Rope     *Rope
	Segments []Segment // partition [0, N) in order; each Len <= Rope.MaxPos
}

func (a AttnSpec) check(n, width int) {
	if a.Heads <= 0 || a.KVHeads <= 0 || a.Heads%a.KVHeads != 0 || a.Rope == nil || a.Rope.HeadDim != a.HeadDim {
		panic(fmt.Sprintf("tensor.Attention: bad spec: %d heads, %d kv heads, head width %d", a.Heads, a.KVHeads, a.HeadDim))
	}
	if width != (a.Heads+2*a.KVHeads)*a.HeadDim {
		panic(fmt.Sprintf("tensor.Attention: qkv width %d, want (%d+2·%d)·%d", width, a.Heads, a.KVHeads, a.HeadDim))
	}
	at := 0
	for _, s := range a.Segments {
		if s.Start != at || s.Len <= 0 || s.Len > a.Rope.MaxPos {
			panic(fmt.Sprintf("tensor.Attention: segment %+v does not continue at %d or is longer than %d", s, at, a.Rope.MaxPos))
		}
		at += s.Len
	}
	if at != n {
		panic(fmt.Sprintf("tensor.Attention: segments cover %d of %d rows", at, n))
	}
}

// Attention is fused rotary causal self-attention over packed segments.
//
//	qkv: [N, (H + 2·Hkv)·hd]: per row the H query heads, then the Hkv key
//	     heads, then the Hkv value heads, each hd wide (pre-rotation)
//	y:   [N, H·hd]
//
// For token i in segment s at position p = i − s.Start, query and key
// heads are rotated (Rope) at p, and query head h attends to keys
// s.Start..i of key/value head h/(H/Hkv):
//
//	y_i,h = Σ_j softmax_j(q_i,h·k_j / sqrt(hd)) v_j
//
// The attention matrix is never stored: forward and backward compute the
// scores and their softmax for one (segment, head) and at most attnBlock
// query rows at a time in a scratch buffer, and backward recomputes them
// (bit-identically) instead of keeping them. Work is split over (segment,
// key/value head) items, which write disjoint memory.
func (tp *Tape) Attention(qkv *Tensor, spec AttnSpec) *Tensor {
	n, width := qkv.rows(), qkv.cols()
	spec.check(n, width)
	h, hkv, hd := spec.Heads, spec.KVHeads, spec.HeadDim
	c, r := h*hd, (h+hkv)*hd // output width, rotated q|k width
	y := tp.out(false, []*Tensor{qkv}, n, c)
	rot := tp.arena.alloc(n * r)
	pos := tp.positions(spec.Segments, n)

	// Rotate q and k heads into rot.
	parallelRows(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for k := 0; k < h+hkv; k++ {
				spec.Rope.Rotate(rot[i*r+k*hd:i*r+k*hd+hd], qkv.Data[i*width+k*hd:], int(pos[i]), false)
			}
		}
	})

	maxL := 0
	for _, s := range spec.Segments {
		maxL = max(maxL, s.Len)
	}
	items := len(spec.Segments) * hkv
	workers := maxWorkers(items)
	blk := min(maxL, attnBlock) * maxL // one block of scores
	scratch := tp.arena.alloc(workers * 2 * blk)
	scale := float32(1 / math.Sqrt(float64(hd)))
	rep := h / hkv

	parallelWorkers(items, func(w, it int) {
		seg, g := spec.Segments[it/hkv], it%hkv
		L, st := seg.Len, seg.Start
		sc := scratch[w*2*blk : w*2*blk+blk]
		kRot := rot[st*r+(h+g)*hd:]
		v := qkv.Data[st*width+(h+hkv+g)*hd:]
		for hh := g * rep; hh < (g+1)*rep; hh++ {
			qRot := rot[st*r+hh*hd:]
			for r0 := 0; r0 < L; r0 += attnBlock {
				// Rows r0..r1-1 attend to keys 0..r1-1 at most.
				r1 := min(r0+attnBlock, L)
				rows := r1 - r0
				kernel.Sgemm(false, true, rows, r1, hd, scale, qRot[r0*r:], r, kRot, r, 0, sc, r1)
				for i := r0; i < r1; i++ {
					row := sc[(i-r0)*r1 : (i-r0+1)*r1]
					softmaxCausal(row, i)
				}
				kernel.Sgemm(false, false, rows, hd, r1, 1, sc, r1, v, width, 0, y.Data[(st+r0)*c+hh*hd:], c)
			}
		}
	})

	tp.record(y, func() {
		dy := y.grad
		if dy == nil || !qkv.needGrad {
			return
		}
		dqkv := qkv.g()
		drot := tp.arena.allocZero(n * r)
		parallelWorkers(items, func(w, it int) {
			seg, g := spec.Segments[it/hkv], it%hkv
			L, st := seg.Len, seg.Start
			p := scratch[w*2*blk : w*2*blk+blk]
			dp := scratch[w*2*blk+blk : w*2*blk+2*blk]
			kRot := rot[st*r+(h+g)*hd:]
			v := qkv.Data[st*width+(h+hkv+g)*hd:]
			dV := dqkv[st*width+(h+hkv+g)*hd:]
			dK := drot[st*r+(h+g)*hd:]
			for hh := g * rep; hh < (g+1)*rep; hh++ {
				qRot := rot[st*r+hh*hd:]
				dQ := drot[st*r+hh*hd:]
				for r0 := 0; r0 < L; r0 += attnBlock {
					r1 := min(r0+attnBlock, L)
					rows := r1 - r0
					dO := dy[(st+r0)*c+hh*hd:]
					kernel.Sgemm(false, true, rows, r1, hd, scale, qRot[r0*r:], r, kRot, r, 0, p, r1)
					kernel.Sgemm(false, true, rows, r1, hd, 1, dO, c, v, width, 0, dp, r1)
					for i := r0; i < r1; i++ {
						pr, dpr := p[(i-r0)*r1:(i-r0+1)*r1], dp[(i-r0)*r1:(i-r0+1)*r1]
						// The same scores and softmax as forward: the same P.
						softmaxCausal(pr, i)
						o := (st+i)*c + hh*hd
						d := kernel.Dot(dy[o:o+hd], y.Data[o:o+hd])
						for j := 0; j <= i; j++ {
							dpr[j] = pr[j] * (dpr[j] - d)
						}
						clear(dpr[i+1:])
					}
					kernel.Sgemm(true, false, r1, hd, rows, 1, p, r1, dO, c, 1, dV, width)
					kernel.Sgemm(false, false, rows, hd, r1, scale, dp, r1, kRot, r, 1, dQ[r0*r:], r)
					kernel.Sgemm(true, false, r1, hd, rows, scale, dp, r1, qRot[r0*r:], r, 1, dK, r)
				}
			}
		})
		// Rotate the q and k gradients back and add them to dqkv.
		parallelRows(n, func(lo, hi int) {
			buf := make([]float32, hd)
			for i := lo; i < hi; i++ {
				for k := 0; k < h+hkv; k++ {
					spec.Rope.Rotate(buf, drot[i*r+k*hd:], int(pos[i]), true)
					kernel.Axpy(1, buf, dqkv[i*width+k*hd:i*width+k*hd+hd])
				}
			}
		})
	})
	return y
}

// attnBlock is the number of query rows per attention block: rows
// r0..r0+attnBlock-1 only need keys before r0+attnBlock, so long
// segments skip most of the masked upper triangle.
const attnBlock = 64

// softmaxCausal replaces row[0..i] by its softmax (kernel.Softmax,
// vectorised) and row[i+1:] by zeros.
func softmaxCausal(row []float32, i int) {
	kernel.Softmax(row[:i+1])
	clear(row[i+1:])
}

// positions returns each row's position within its segment.
func (tp *Tape) positions(segs []Segment, n int) []int32 {
	pos := make([]int32, n)
	for _, s := range segs {
		for i := range s.Len {
			pos[s.Start+i] = int32(i)
		}
	}
	return pos
}
