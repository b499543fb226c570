package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelFor calls fn(i) for every i in [0, n), spreading the calls over
// up to GOMAXPROCS goroutines. Calls must write disjoint memory; results
// then do not depend on the number of goroutines or their scheduling.
func parallelFor(n int, fn func(i int)) {
	parallelWorkers(n, func(_, i int) { fn(i) })
}

// parallelWorkers is parallelFor with a worker index w in [0, workers),
// for per-worker scratch memory; callers size scratch by maxWorkers(n).
func parallelWorkers(n int, fn func(w, i int)) {
	workers := maxWorkers(n)
	if workers <= 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(w, i)
			}
		})
	}
	wg.Wait()
}

// maxWorkers is the number of goroutines parallelWorkers uses for n items.
func maxWorkers(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n)) }

// rowChunk is the fixed number of rows per work item in row-parallel ops.
// Reductions over rows sum one partial per chunk, in chunk order, so the
// result does not depend on the number of goroutines.
const rowChunk = 32

// parallelRows calls fn(lo, hi) over [0, n) in chunks of rowChunk rows.
func parallelRows(n int, fn func(lo, hi int)) {
	chunks := (n + rowChunk - 1) / rowChunk
	parallelFor(chunks, func(c int) {
		lo := c * rowChunk
		fn(lo, min(lo+rowChunk, n))
	})
}

// spanLen is the number of values per work item in elementwise ops.
const spanLen = 16384

// parallelSpans calls fn(s, e) over [0, n) in spans of spanLen values.
func parallelSpans(n int, fn func(s, e int)) {
	parallelFor((n+spanLen-1)/spanLen, func(c int) {
		fn(c*spanLen, min((c+1)*spanLen, n))
	})
}
