// Command kernels benchmarks the SGEMM and vector kernels of package
// tensor/kernel on the shapes of one training step of the 6M model and
// prints a markdown table with GFLOP/s and the fraction of the FMA peak
// measured in the same run.
//
// The CPU is usually shared, so every number is the best of many short
// trials, and the peak is re-measured between trials the same way.
//
//	go run ./bench/kernels [-trials 30] [-naive] [-vec] [-shapes 4096]
//
// CEM_KERNEL=avx512|avx2|generic forces a kernel path.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cemlab/cem/tensor/kernel"
)

type shape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

var shapes = []shape{
	{"512^3", false, false, 512, 512, 512},
	{"fwd x·Wqkvo^T 4096x256x256", false, true, 4096, 256, 256},
	{"fwd x·W1^T 4096x688x256", false, true, 4096, 688, 256},
	{"fwd h·W2^T 4096x256x688", false, true, 4096, 256, 688},
	{"bwd dY·W 4096x256x688", false, false, 4096, 256, 688},
	{"bwd dY·W 4096x688x256", false, false, 4096, 688, 256},
	{"bwd dW=dY^T·x 688x256x4096", true, false, 688, 256, 4096},
	{"bwd dW=dY^T·x 256x256x4096", true, false, 256, 256, 4096},
	{"attn q·k^T 256x256x64", false, true, 256, 256, 64},
}

func main() {
	trials := flag.Int("trials", 30, "trials per measurement; the best is kept")
	naive := flag.Bool("naive", true, "also time a naive Go loop at 512^3")
	vec := flag.Bool("vec", true, "also time the vector kernels")
	only := flag.String("shapes", "", "run only the shapes whose name contains this")
	flag.Parse()
	fmt.Printf("kernel path: %s, GOMAXPROCS threads: %d\n\n", kernel.Path(), kernel.Threads())
	peak := map[int]float64{}
	measurePeak := func(t int) {
		peak[t] = max(peak[t], kernel.PeakGFLOPS(t, 5*time.Millisecond))
	}
	for i := 0; i < *trials; i++ {
		measurePeak(1)
		measurePeak(2)
	}
	type row struct {
		name    string
		threads int
		gflops  float64
	}
	var rows []row
	for _, s := range shapes {
		if !strings.Contains(s.name, *only) {
			continue
		}
		for _, t := range []int{1, 2} {
			kernel.SetThreads(t)
			g := bestGemm(s, *trials, func() { measurePeak(t) })
			rows = append(rows, row{s.name, t, g})
		}
	}
	if *naive {
		s := shapes[0]
		g := bestOf(3, s, func() {}, func(a, b, c []float32) { naiveGemm(s.m, s.n, s.k, a, b, c) })
		rows = append(rows, row{s.name + " naive Go", 1, g})
	}
	// The nominal peak of t threads is t times the best 1-thread peak; the
	// measured one falls short of it when other processes hold a core.
	fmt.Printf("| shape (m x n x k) | threads | GFLOP/s | %% of measured peak | %% of nominal peak |\n|---|---|---|---|---|\n")
	for _, t := range []int{1, 2} {
		fmt.Printf("| FMA peak | %d | %.1f | 100 | %.1f |\n", t, peak[t], 100*peak[t]/(float64(t)*peak[1]))
	}
	for _, r := range rows {
		fmt.Printf("| %s | %d | %.1f | %.1f | %.1f |\n", r.name, r.threads, r.gflops,
			100*r.gflops/peak[r.threads], 100*r.gflops/(float64(r.threads)*peak[1]))
	}
	if *vec {
		vecTable(4096, *trials)
	}
	if peak[2] < 1.8*peak[1] {
		fmt.Printf("\nThe 2-thread peak is below 1.8x the 1-thread peak: the CPU is shared, and 2-thread numbers are unreliable.\n")
	}
	os.Exit(0)
}

func bestGemm(s shape, trials int, between func()) float64 {
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return bestOf(trials, s, between, func(a, b, c []float32) {
		kernel.Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
	})
}

// bestOf runs f trials times (after one warm-up), calling between before
// each trial, and returns the best GFLOP/s of the shape.
func bestOf(trials int, s shape, between func(), f func(a, b, c []float32)) float64 {
	a := make([]float32, s.m*s.k)
	b := make([]float32, s.k*s.n)
	c := make([]float32, s.m*s.n)
	for i := range a {
		a[i] = float32(i%7)*0.25 - 0.75
	}
	for i := range b {
		b[i] = float32(i%5)*0.25 - 0.5
	}
	f(a, b, c)
	best := 0.0
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
	for i := 0; i < trials; i++ {
		between()
		start := time.Now()
		f(a, b, c)
		best = max(best, flops/time.Since(start).Seconds()/1e9)
	}
	return best
}

func naiveGemm(m, n, k int, a, b, c []float32) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				s += a[i*k+p] * b[p*n+j]
			}
			c[i*n+j] = s
		}
	}
}
