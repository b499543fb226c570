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

// The helper goroutines live for the life of the process and wait on
// tasks; they are started on first need, never more than were needed at
// once.
var (
	tasks       = make(chan *gemmJob, 64)
	workersMu   sync.Mutex
	workerCount int
)

func startWorkers(n int) {
	workersMu.Lock()
	for ; workerCount < n; workerCount++ {
		go func() {
			for j := range tasks {
				j.run()
				j.leave()
			}
		}()
	}
	workersMu.Unlock()
}

// workspace holds packing buffers, 64-byte aligned: a member's A block
// and edge tile, or a job's shared B panels. Pooled, so that calls do not
// allocate.
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
