package kernel

import (
	"fmt"
	"testing"
	"time"
)

func BenchmarkPeak(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			var g float64
			for b.Loop() {
				g = max(g, PeakGFLOPS(threads, 50*time.Millisecond))
			}
			b.ReportMetric(g, "GFLOP/s")
		})
	}
}

type benchShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

// benchShapes are the square case and the products of one training step
// of the 6M model (d=256, ff=688, 4096 tokens per batch).
var benchShapes = []benchShape{
	{"512^3", false, false, 512, 512, 512},
	{"x*Wqkv", false, true, 4096, 256, 256},
	{"x*W1", false, true, 4096, 688, 256},
	{"h*W2", false, true, 4096, 256, 688},
	{"dY*W", false, false, 4096, 256, 688},
	{"dW=dY^T*x", true, false, 688, 256, 4096},
	{"gemv x*E^T", false, true, 1, 4096, 256},
	{"attn q*k^T", false, true, 256, 256, 64},
}

func BenchmarkSgemm(b *testing.B) {
	for _, path := range Paths() {
		for _, s := range benchShapes {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", path, s.name, threads), func(b *testing.B) {
					restore, _ := useKernel(path)
					defer restore()
					defer SetThreads(SetThreads(threads))
					benchSgemm(b, s)
				})
			}
		}
	}
}

func benchSgemm(b *testing.B, s benchShape) {
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	a := make([]float32, s.m*s.k)
	bb := make([]float32, s.k*s.n)
	c := make([]float32, s.m*s.n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range bb {
		bb[i] = float32(i%5) - 2
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
	}
	b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/time.Since(start).Seconds()/1e9, "GFLOP/s")
}

func BenchmarkVec(b *testing.B) {
	const n = 4096
	x, y, dst := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], y[i] = float32(i%13)*0.1-0.6, float32(i%7)*0.2-0.6
	}
	ops := []struct {
		name string
		f    func()
	}{
		{"Dot", func() { Dot(x, y) }},
		{"Axpy", func() { Axpy(0.5, x, y) }},
		{"Add", func() { Add(dst, x, y) }},
		{"Mul", func() { Mul(dst, x, y) }},
		{"Sum", func() { Sum(x) }},
		{"Max", func() { Max(x) }},
		{"Softmax", func() { copy(dst, x); Softmax(dst) }},
		{"SiLU", func() { SiLU(dst, x) }},
		{"RMSNorm", func() { RMSNorm(dst, x, y, 1e-5) }},
	}
	for _, path := range Paths() {
		for _, op := range ops {
			b.Run(path+"/"+op.name, func(b *testing.B) {
				restore, _ := useKernel(path)
				defer restore()
				b.SetBytes(4 * n)
				for b.Loop() {
					op.f()
				}
			})
		}
	}
}

// BenchmarkSgemmSizes sweeps square sizes on the active path, next to the
// naive triple loop (up to 256).
func BenchmarkSgemmSizes(b *testing.B) {
	for _, n := range []int{16, 64, 128, 256, 512, 1024} {
		s := benchShape{fmt.Sprint(n), false, false, n, n, n}
		b.Run(fmt.Sprintf("%s/n=%d", Path(), n), func(b *testing.B) { benchSgemm(b, s) })
		if n > 256 {
			continue
		}
		b.Run(fmt.Sprintf("naive/n=%d", n), func(b *testing.B) {
			a, bb, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
			start := time.Now()
			for b.Loop() {
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						var sum float32
						for p := 0; p < n; p++ {
							sum += a[i*n+p] * bb[p*n+j]
						}
						c[i*n+j] = sum
					}
				}
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/time.Since(start).Seconds()/1e9, "GFLOP/s")
		})
	}
}
