//go:build !purego

package kernel

// The AVX-512 vector kernels; each computes the reference loop of the
// exported function of the same name (expShift: x[i] = exp(x[i]-shift),
// returning the sum). Lengths are checked by the callers: y and dst are
// as long as x.

//go:noescape
func dotAVX512(x, y []float32) float32

//go:noescape
func sumAVX512(x []float32) float32

//go:noescape
func maxAVX512(x []float32) float32

//go:noescape
func axpyAVX512(alpha float32, x, y []float32)

//go:noescape
func scaleAVX512(alpha float32, x []float32)

//go:noescape
func addAVX512(dst, x, y []float32)

//go:noescape
func mulAVX512(dst, x, y []float32)

//go:noescape
func expShiftAVX512(x []float32, shift float32) float32

//go:noescape
func siluAVX512(dst, x []float32)

var avx512Vec = &vecKernels{
	dot:      dotAVX512,
	axpy:     axpyAVX512,
	scale:    scaleAVX512,
	add:      addAVX512,
	mul:      mulAVX512,
	sum:      sumAVX512,
	max:      maxAVX512,
	expShift: expShiftAVX512,
	silu:     siluAVX512,
}

// The AVX2 kernels cover the first len(x)&^7 elements; the wrappers below
// finish the tail in Go.

//go:noescape
func dotAVX2(x, y []float32) float32

//go:noescape
func sumAVX2(x []float32) float32

//go:noescape
func maxAVX2(x []float32) float32

//go:noescape
func axpyAVX2(alpha float32, x, y []float32)

//go:noescape
func scaleAVX2(alpha float32, x []float32)

//go:noescape
func expShiftAVX2(x []float32, shift float32) float32

//go:noescape
func siluAVX2(dst, x []float32)

//go:noescape
func addAVX2(dst, x, y []float32)

//go:noescape
func mulAVX2(dst, x, y []float32)

// avx2Vec uses the AVX2 kernels.
var avx2Vec = &vecKernels{
	dot: func(x, y []float32) float32 {
		n := len(x) &^ 7
		return dotAVX2(x, y) + dotGo(x[n:], y[n:])
	},
	axpy: func(alpha float32, x, y []float32) {
		n := len(x) &^ 7
		axpyAVX2(alpha, x, y)
		axpyGo(alpha, x[n:], y[n:])
	},
	scale: func(alpha float32, x []float32) {
		n := len(x) &^ 7
		scaleAVX2(alpha, x)
		scaleGo(alpha, x[n:])
	},
	add: func(dst, x, y []float32) {
		n := len(dst) &^ 7
		addAVX2(dst, x, y)
		addGo(dst[n:], x[n:], y[n:])
	},
	mul: func(dst, x, y []float32) {
		n := len(dst) &^ 7
		mulAVX2(dst, x, y)
		mulGo(dst[n:], x[n:], y[n:])
	},
	sum: func(x []float32) float32 {
		n := len(x) &^ 7
		return sumAVX2(x) + sumGo(x[n:])
	},
	max: func(x []float32) float32 {
		n := len(x) &^ 7
		return max(maxAVX2(x), maxGo(x[n:]))
	},
	expShift: func(x []float32, shift float32) float32 {
		n := len(x) &^ 7
		return expShiftAVX2(x, shift) + expShiftGo(x[n:], shift)
	},
	silu: func(dst, x []float32) {
		n := len(dst) &^ 7
		siluAVX2(dst, x)
		siluGo(dst[n:], x[n:])
	},
}
