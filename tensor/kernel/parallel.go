package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// threadLimit is the value set by SetThreads; 0 means GOMAXPROCS.
var threadLimit atomic.Int64

// SetThreads sets the most goroutines one Sgemm call may use and returns
// the previous setting. n <= 0 means runtime.GOMAXPROCS(0), the default.
// Results do not depend on it.
func SetThreads(n int) int {
	return int(threadLimit.Swap(int64(max(n, 0))))
}

// Threads reports how many goroutines a large Sgemm call uses now.
func Threads() int {
	if n := int(threadLimit.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// serialMACs is the size (m*n*k multiply-adds) below which Sgemm runs on
// the calling goroutine: about 10µs of work, where waking helpers would
// cost more than it saves.
const serialMACs = 1 << 21

func threadsFor(m, n, k int) int {
	if m*n*k < serialMACs {
		return 1
	}
	return Threads()
}

// sgemm splits C into at most t blocks of whole register tiles, along m
// or n, and runs gemmSerial on each. Splitting along m makes every part
// pack its own copy of B (k*n); along n, of A (m*k); so the longer side is
// split.
func sgemm(kn *gemmKernel, t int, g *gemmArgs) {
	mt := (g.m + kn.mr - 1) / kn.mr
	nt := (g.n + kn.nr - 1) / kn.nr
	splitM := g.m >= g.n && mt >= 2 || nt < 2
	if g.m <= smallM {
		t = 1
	}
	tiles := nt
	if splitM {
		tiles = mt
	}
	t = min(t, tiles)
	if t <= 1 {
		ws := getWorkspace()
		if g.m <= smallM {
			_, _, row := ws.get(0, 0, g.k)
			gemmSmallM(activeVec(), g, row)
		} else {
			gemmSerial(kn, ws, g)
		}
		putWorkspace(ws)
		return
	}
	job := jobPool.Get().(*gemmJob)
	job.kn, job.args, job.splitM, job.t, job.tiles = kn, *g, splitM, t, tiles
	job.wg.Add(t - 1)
	startWorkers(t - 1)
	for i := 1; i < t; i++ {
		tasks <- task{job: job, part: i}
	}
	job.run(0)
	job.wg.Wait()
	job.args = gemmArgs{} // drop references to the caller's slices
	jobPool.Put(job)
}

// gemmJob is one parallel Sgemm call; part i of t covers tiles
// [tiles*i/t, tiles*(i+1)/t) along the split side.
type gemmJob struct {
	wg     sync.WaitGroup
	kn     *gemmKernel
	args   gemmArgs
	splitM bool
	t      int
	tiles  int
}

var jobPool = sync.Pool{New: func() any { return new(gemmJob) }}

func (j *gemmJob) run(part int) {
	lo, hi := j.tiles*part/j.t, j.tiles*(part+1)/j.t
	g := &j.args
	var s gemmArgs
	if j.splitM {
		s = g.sub(min(lo*j.kn.mr, g.m), min(hi*j.kn.mr, g.m), 0, g.n)
	} else {
		s = g.sub(0, g.m, min(lo*j.kn.nr, g.n), min(hi*j.kn.nr, g.n))
	}
	ws := getWorkspace()
	gemmSerial(j.kn, ws, &s)
	putWorkspace(ws)
}

type task struct {
	job  *gemmJob
	part int
}

// The helper goroutines live for the life of the process and wait on
// tasks; they are started on first need, never more than were needed at
// once.
var (
	tasks       = make(chan task, 64)
	workersMu   sync.Mutex
	workerCount int
)

func startWorkers(n int) {
	workersMu.Lock()
	for ; workerCount < n; workerCount++ {
		go func() {
			for t := range tasks {
				t.job.run(t.part)
				t.job.wg.Done()
			}
		}()
	}
	workersMu.Unlock()
}

// workspace holds one goroutine's packing buffers, 64-byte aligned.
type workspace struct {
	buf []float32
}

var wsPool = sync.Pool{New: func() any { return new(workspace) }}

func getWorkspace() *workspace   { return wsPool.Get().(*workspace) }
func putWorkspace(ws *workspace) { wsPool.Put(ws) }

// get returns three aligned buffers of at least na, nb and nt floats.
func (ws *workspace) get(na, nb, nt int) (a, b, t []float32) {
	const align = 16 // floats per 64 bytes
	na, nb, nt = roundUp(na, align), roundUp(nb, align), roundUp(nt, align)
	need := na + nb + nt + align
	if len(ws.buf) < need {
		ws.buf = make([]float32, need)
	}
	off := 0
	if r := int(uintptr(unsafe.Pointer(&ws.buf[0])) % 64); r != 0 {
		off = (64 - r) / 4
	}
	buf := ws.buf[off:]
	return buf[:na], buf[na : na+nb], buf[na+nb : na+nb+nt]
}
