package main

import (
	"fmt"
	"math"
	"time"

	"github.com/cemlab/cem/tensor/kernel"
)

// vecTable prints the best time per call of the vector kernels on a row of
// n floats, next to the plain Go reference loop.
func vecTable(n, trials int) {
	x, y, w, dst := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(i%13)*0.1 - 0.6
		y[i] = float32(i%7)*0.2 - 0.6
		w[i] = 1 + float32(i%3)*0.1
	}
	var sink float32
	ops := []struct {
		name       string
		fast, slow func()
	}{
		{"Dot", func() { sink += kernel.Dot(x, y) }, func() {
			var s float32
			for i := range x {
				s += x[i] * y[i]
			}
			sink += s
		}},
		{"Axpy", func() { kernel.Axpy(1e-3, x, y) }, func() {
			for i := range x {
				y[i] += 1e-3 * x[i]
			}
		}},
		{"Softmax", func() { copy(dst, x); kernel.Softmax(dst) }, func() {
			copy(dst, x)
			m := float32(math.Inf(-1))
			for _, v := range dst {
				m = max(m, v)
			}
			var s float32
			for i, v := range dst {
				dst[i] = float32(math.Exp(float64(v - m)))
				s += dst[i]
			}
			for i := range dst {
				dst[i] /= s
			}
		}},
		{"SiLU", func() { kernel.SiLU(dst, x) }, func() {
			for i, v := range x {
				dst[i] = v / (1 + float32(math.Exp(float64(-v))))
			}
		}},
		{"RMSNorm", func() { kernel.RMSNorm(dst, x, w, 1e-5) }, func() {
			var ss float32
			for _, v := range x {
				ss += v * v
			}
			r := 1 / float32(math.Sqrt(float64(ss/float32(n)+1e-5)))
			for i := range dst {
				dst[i] = x[i] * r * w[i]
			}
		}},
	}
	fmt.Printf("\n| vector kernel (n=%d) | %s ns | plain Go ns | speed-up |\n|---|---|---|---|\n", n, kernel.Path())
	for _, op := range ops {
		f, s := bestNs(trials, op.fast), bestNs(trials, op.slow)
		fmt.Printf("| %s | %.0f | %.0f | %.1fx |\n", op.name, f, s, s/f)
	}
	_ = sink
}

// bestNs returns the best time of f in nanoseconds, each trial averaging
// enough calls to last about 200µs.
func bestNs(trials int, f func()) float64 {
	f()
	reps := 1
	for {
		start := time.Now()
		for i := 0; i < reps; i++ {
			f()
		}
		if time.Since(start) > 200*time.Microsecond {
			break
		}
		reps *= 2
	}
	best := math.Inf(1)
	for t := 0; t < trials; t++ {
		start := time.Now()
		for i := 0; i < reps; i++ {
			f()
		}
		best = min(best, float64(time.Since(start).Nanoseconds())/float64(reps))
	}
	return best
}
