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

// The AVX2 path uses the unrolled Go vector kernels.
var avx2Vec = genericVec
