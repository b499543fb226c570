//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

//go:generate go run ./_asm -out .

// The assembly micro-kernels; see gemmKernel for the reference loop. a and
// b are packed slivers k deep; c is the top-left of a full tile with row
// stride ldc (in elements); beta 0 leaves c unread.

//go:noescape
func sgemm14x32AVX512(k int, a, b, c *float32, ldc int, beta float32)

//go:noescape
func sgemm14x32AVX512Edge(k int, a, b, c *float32, ldc int, beta float32, rows, cols int)

//go:noescape
func sgemm14x16of32AVX512Edge(k int, a, b, c *float32, ldc int, beta float32, rows, cols int)

//go:noescape
func sgemm6x16AVX2(k int, a, b, c *float32, ldc int, beta float32)

// peakFMA512 and peakFMA256 run n iterations of 24 (12) independent
// vector FMAs; they compute nothing useful.

//go:noescape
func peakFMA512(n int)

//go:noescape
func peakFMA256(n int)

var (
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

var avx512Set = &kernelSet{
	name: "avx512",
	gemm: &gemmKernel{
		mr: 14, nr: 32,
		mc: 14 * 6, kc: 256, nc: 4096,
		micro: func(k int, a, b, c []float32, ldc int, beta float32) {
			sgemm14x32AVX512(k, &a[0], &b[0], &c[0], ldc, beta)
		},
		packA: packA14,
		packB: packB32,
		edge: func(k int, a, b, c []float32, ldc int, beta float32, rows, cols int) {
			if cols <= 16 {
				sgemm14x16of32AVX512Edge(k, &a[0], &b[0], &c[0], ldc, beta, rows, cols)
				return
			}
			sgemm14x32AVX512Edge(k, &a[0], &b[0], &c[0], ldc, beta, rows, cols)
		},
	},
	vec: avx512Vec,
}

var avx2Set = &kernelSet{
	name: "avx2",
	gemm: &gemmKernel{
		mr: 6, nr: 16,
		mc: 6 * 24, kc: 256, nc: 4096,
		micro: func(k int, a, b, c []float32, ldc int, beta float32) {
			sgemm6x16AVX2(k, &a[0], &b[0], &c[0], ldc, beta)
		},
		packA: packAGo,
		packB: packBGo,
	},
	vec: avx2Vec,
}

func availableSets() []*kernelSet {
	var s []*kernelSet
	if hasAVX512 {
		s = append(s, avx512Set)
	}
	if hasAVX2 {
		s = append(s, avx2Set)
	}
	return append(s, genericSet)
}

// peakLoop returns the FMA loop of the active path, with the flops of one
// iteration; nil for the generic path.
func peakLoop() (func(n int), float64) {
	switch Path() {
	case "avx512":
		return peakFMA512, 24 * 16 * 2
	case "avx2":
		return peakFMA256, 12 * 8 * 2
	}
	return nil, 0
}
