package kernel

import (
	"sync"
	"time"
)

// PeakGFLOPS measures the float32 FMA throughput of this machine, in
// GFLOP/s, with threads goroutines each running a loop of independent
// vector FMAs (of the active kernel path) for about d. It is the
// denominator of model FLOP utilisation: run it beside a benchmark, since
// a shared or throttled CPU changes it. threads <= 0 means Threads(); d <= 0
// means 100ms. On the generic path it measures a pure-Go loop of scalar
// multiply-adds.
func PeakGFLOPS(threads int, d time.Duration) float64 {
	if threads <= 0 {
		threads = Threads()
	}
	if d <= 0 {
		d = 100 * time.Millisecond
	}
	loop, perIter := peakLoop()
	if loop == nil {
		loop, perIter = peakGo, peakGoFlops
	}
	const chunk = 1 << 16
	loop(chunk) // warm up the vector unit
	var wg sync.WaitGroup
	flops := make([]float64, threads)
	start := time.Now()
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for n == 0 || time.Since(start) < d {
				loop(chunk)
				n++
			}
			flops[t] = float64(n) * chunk * perIter
		}()
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	var total float64
	for _, f := range flops {
		total += f
	}
	return total / el / 1e9
}

// peakGoFlops is the flops of one iteration of peakGo.
const peakGoFlops = 8 * 2

// peakSink keeps peakGo's result alive.
var peakSink float32

// peakGo runs n iterations of eight independent scalar multiply-adds.
func peakGo(n int) {
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	x, y := float32(0.999), float32(1e-3)
	for i := 0; i < n; i++ {
		s0 = s0*x + y
		s1 = s1*x + y
		s2 = s2*x + y
		s3 = s3*x + y
		s4 = s4*x + y
		s5 = s5*x + y
		s6 = s6*x + y
		s7 = s7*x + y
	}
	peakSink = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7
}
