package kernel

import (
	"fmt"
	"math"
)

// vecKernels are one path's implementations of the vector primitives.
// Lengths are checked by the exported wrappers.
type vecKernels struct {
	dot      func(x, y []float32) float32
	axpy     func(alpha float32, x, y []float32)
	scale    func(alpha float32, x []float32)
	add      func(dst, x, y []float32)
	mul      func(dst, x, y []float32)
	sum      func(x []float32) float32
	max      func(x []float32) float32
	expShift func(x []float32, shift float32) float32
	silu     func(dst, x []float32)
}

func sameLen(op string, n int, others ...[]float32) {
	for _, o := range others {
		if len(o) != n {
			panic(fmt.Sprintf("kernel: %s: slice lengths %d and %d differ", op, n, len(o)))
		}
	}
}

// Dot returns the dot product of x and y. Reference loop:
//
//	var s float32
//	for i := range x {
//		s += x[i] * y[i]
//	}
//
// The fast paths sum in several lanes, so the rounding differs slightly.
// It panics if len(x) != len(y).
func Dot(x, y []float32) float32 {
	sameLen("Dot", len(x), y)
	return activeVec().dot(x, y)
}

// Axpy adds alpha*x to y. Reference loop:
//
//	for i := range x {
//		y[i] += alpha * x[i]
//	}
//
// x and y may be the same slice but must not otherwise overlap. It panics
// if len(x) != len(y).
func Axpy(alpha float32, x, y []float32) {
	sameLen("Axpy", len(x), y)
	activeVec().axpy(alpha, x, y)
}

// Scale multiplies x by alpha in place. Reference loop:
//
//	for i := range x {
//		x[i] *= alpha
//	}
func Scale(alpha float32, x []float32) {
	activeVec().scale(alpha, x)
}

// Add sets dst to x + y element-wise. Reference loop:
//
//	for i := range dst {
//		dst[i] = x[i] + y[i]
//	}
//
// dst may be x or y (the same slice) but must not otherwise overlap them.
// It panics unless the three lengths are equal.
func Add(dst, x, y []float32) {
	sameLen("Add", len(dst), x, y)
	activeVec().add(dst, x, y)
}

// Mul sets dst to x * y element-wise. Reference loop:
//
//	for i := range dst {
//		dst[i] = x[i] * y[i]
//	}
//
// dst may be x or y (the same slice) but must not otherwise overlap them.
// It panics unless the three lengths are equal.
func Mul(dst, x, y []float32) {
	sameLen("Mul", len(dst), x, y)
	activeVec().mul(dst, x, y)
}

// Sum returns the sum of x (0 when empty). Reference loop:
//
//	var s float32
//	for _, v := range x {
//		s += v
//	}
//
// The fast paths sum in several lanes, so the rounding differs slightly.
func Sum(x []float32) float32 {
	return activeVec().sum(x)
}

// Max returns the largest element of x, or -Inf when x is empty.
// Reference loop:
//
//	m := float32(math.Inf(-1))
//	for _, v := range x {
//		if v > m {
//			m = v
//		}
//	}
//
// NaNs are skipped unless every element is NaN or -Inf.
func Max(x []float32) float32 {
	return activeVec().max(x)
}

// MaxIndex returns the index of the first element equal to Max(x), or -1
// when there is none (x is empty or all NaN). Reference loop:
//
//	m := Max(x)
//	for i, v := range x {
//		if v == m {
//			return i
//		}
//	}
//	return -1
func MaxIndex(x []float32) int {
	if len(x) == 0 {
		return -1
	}
	m := Max(x)
	for i, v := range x {
		if v == m {
			return i
		}
	}
	return -1
}

// Softmax replaces x with its softmax, computed stably by subtracting the
// maximum. Reference loop:
//
//	m := Max(x)
//	var s float32
//	for i, v := range x {
//		x[i] = float32(math.Exp(float64(v - m)))
//		s += x[i]
//	}
//	for i := range x {
//		x[i] /= s
//	}
//
// The assembly paths use a polynomial exp with a relative error below
// 1e-6 (more precisely, a few units in the last place). Elements equal to
// -Inf become 0; if every element is -Inf, x is left as is.
func Softmax(x []float32) {
	if len(x) == 0 {
		return
	}
	m := Max(x)
	if math.IsInf(float64(m), -1) {
		return
	}
	v := activeVec()
	s := v.expShift(x, m)
	v.scale(1/s, x)
}

// RMSNorm sets dst to x scaled by the reciprocal of its root mean square
// and multiplied by the weights w, and returns that reciprocal (the
// backward pass needs it). Reference loop:
//
//	var ss float32
//	for _, v := range x {
//		ss += v * v
//	}
//	r := 1 / float32(math.Sqrt(float64(ss/float32(len(x))+eps)))
//	for i := range dst {
//		dst[i] = x[i] * r * w[i]
//	}
//
// dst may be x. It panics unless the three lengths are equal; for empty
// slices it returns 0.
func RMSNorm(dst, x, w []float32, eps float32) float32 {
	sameLen("RMSNorm", len(dst), x, w)
	if len(x) == 0 {
		return 0
	}
	v := activeVec()
	ss := v.dot(x, x)
	r := 1 / float32(math.Sqrt(float64(ss/float32(len(x))+eps)))
	v.mul(dst, x, w)
	v.scale(r, dst)
	return r
}

// SiLU sets dst to x*sigmoid(x) element-wise. Reference loop:
//
//	for i := range dst {
//		dst[i] = x[i] / (1 + float32(math.Exp(float64(-x[i]))))
//	}
//
// dst may be x. It panics if len(dst) != len(x). The assembly paths use
// the polynomial exp of Softmax.
func SiLU(dst, x []float32) {
	sameLen("SiLU", len(dst), x)
	activeVec().silu(dst, x)
}
