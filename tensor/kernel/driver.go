package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// gemmJob is one Sgemm call, run by the caller and up to t-1 helpers with
// the blocked algorithm: for each nc-wide panel of B and each kc-deep
// block of k (a step), the members pack the B panel into a shared buffer,
// sliver by sliver, then take work items (an mc-tall block of rows of C,
// or a part of its columns when there are few blocks), each packing its
// block of A (scaled by alpha) and sweeping the register tiles.
//
// Slivers and items are claimed from counters, and members wait only for
// work that someone has claimed: an item of step s needs all of B packed
// for step s and the same item of step s-1 done (it updates the same part
// of C), and packing step s needs every item of step s-2 done (the B
// buffer is double). So members flow from one step into the next without
// idling at a barrier, and a helper that starts late finds the claimed
// work gone and leaves: no member ever waits for a goroutine that the OS
// has not yet run.
//
// Steps run in increasing k, and the k blocks depend on k alone, so every
// element of C is accumulated in the same order by the same micro-kernel
// call whatever the number of members and whoever takes which item:
// results are bit-identical.
type gemmJob struct {
	kn         *gemmKernel
	g          gemmArgs
	t          int
	mc, kc, nc int
	mItems     int   // row blocks per step
	rowStart   []int // row block i is rows [rowStart[i], rowStart[i+1])
	nSplit     int   // column parts per row block
	bp         [2][]float32
	steps      []stepState
	progress   []atomic.Int32 // per item: steps done
	refs       atomic.Int32   // members that have not yet left
	ws         *workspace     // owns bp
}

// stepState counts the work of one step; padded to a cache line.
type stepState struct {
	nextSliver, packed, nextItem, done atomic.Int32
	_                                  [48]byte
}

var jobPool = sync.Pool{New: func() any { return new(gemmJob) }}

// sgemm runs the product on up to t goroutines (the caller and t-1
// helpers); g is valid.
func sgemm(kn *gemmKernel, t int, g *gemmArgs) {
	if g.m <= smallM || g.n <= smallN {
		ws := getWorkspace()
		col, acc, _ := ws.get(g.k, g.m, 0)
		if g.m <= smallM {
			gemmSmallM(activeVec(), g, col)
		} else {
			gemmSmallN(activeVec(), g, col, acc)
		}
		putWorkspace(ws)
		return
	}
	j := jobPool.Get().(*gemmJob)
	j.setup(kn, t, g)
	j.refs.Store(int32(j.t))
	if j.t > 1 {
		startWorkers(j.t - 1)
		for i := 1; i < j.t; i++ {
			tasks <- j
		}
	}
	j.run()
	last := &j.steps[len(j.steps)-1]
	waitFor(&last.done, int32(j.mItems*j.nSplit))
	j.leave()
}

func (j *gemmJob) setup(kn *gemmKernel, t int, g *gemmArgs) {
	mr, nr := kn.mr, kn.nr
	j.kn, j.g = kn, *g
	// Equal k blocks no longer than kn.kc: a short last block would cost a
	// pass over C for little work. They depend on k alone.
	j.kc = ceilDiv(g.k, ceilDiv(g.k, kn.kc))
	j.nc = min(kn.nc, roundUp(g.n, nr))
	j.mc = min(kn.mc, roundUp(g.m, mr))
	// Row blocks of at most mc rows; with helpers, guided: each block is
	// about 1/(2t) of the rows left, so the last ones are small and the
	// members finish together.
	j.rowStart = append(j.rowStart[:0], 0)
	for start := 0; start < g.m; {
		size := j.mc
		if t > 1 {
			size = min(size, max(mr, roundUp(ceilDiv(g.m-start, 2*t), mr)))
		}
		start = min(g.m, start+size)
		j.rowStart = append(j.rowStart, start)
	}
	j.mItems = len(j.rowStart) - 1
	j.nSplit = 1
	if j.mItems < 2*t {
		j.nSplit = min(ceilDiv(j.nc, nr), ceilDiv(2*t, j.mItems))
	}
	j.t = max(1, min(t, j.mItems*j.nSplit))
	steps := ceilDiv(g.n, j.nc) * ceilDiv(g.k, j.kc)
	if cap(j.steps) < steps {
		j.steps = make([]stepState, steps)
	}
	j.steps = j.steps[:steps]
	for i := range j.steps {
		s := &j.steps[i]
		s.nextSliver.Store(0)
		s.packed.Store(0)
		s.nextItem.Store(0)
		s.done.Store(0)
	}
	items := j.mItems * j.nSplit
	if cap(j.progress) < items {
		j.progress = make([]atomic.Int32, items)
	}
	j.progress = j.progress[:items]
	for i := range j.progress {
		j.progress[i].Store(0)
	}
	j.ws = getWorkspace()
	size := roundUp(j.nc, nr) * j.kc
	b0, b1, _ := j.ws.get(size, size, 0)
	j.bp = [2][]float32{b0, b1}
}

// leave is called by each member when it is done with the job; the last
// one returns it to the pool.
func (j *gemmJob) leave() {
	if j.refs.Add(-1) != 0 {
		return
	}
	putWorkspace(j.ws)
	j.g, j.ws, j.bp = gemmArgs{}, nil, [2][]float32{} // drop the caller's slices
	jobPool.Put(j)
}

// run is one member's share of the job.
func (j *gemmJob) run() {
	kn, g := j.kn, &j.g
	mr, nr := kn.mr, kn.nr
	ws := getWorkspace()
	defer putWorkspace(ws)
	ap, _, tile := ws.get(j.mc*j.kc, 0, mr*nr)
	items := int32(j.mItems * j.nSplit)
	step := 0
	for jc := 0; jc < g.n; jc += j.nc {
		nb := min(j.nc, g.n-jc)
		slivers := ceilDiv(nb, nr)
		for pc := 0; pc < g.k; pc += j.kc {
			kb := min(j.kc, g.k-pc)
			bp := j.bp[step%2*min(j.t-1, 1)] // one buffer is enough alone
			st := &j.steps[step]
			if step >= 2 && j.t > 1 {
				waitFor(&j.steps[step-2].done, items)
			}
			for {
				s := int(st.nextSliver.Add(1)) - 1
				if s >= slivers {
					break
				}
				kn.packB(bp[s*nr*kb:], g.transB, g.b, g.ldb, pc, jc+s*nr, kb, min(nr, nb-s*nr), nr)
				st.packed.Add(1)
			}
			waitFor(&st.packed, int32(slivers))
			beta := g.beta
			if pc > 0 {
				beta = 1
			}
			packed := -1 // the row block now in ap
			for {
				it := int(st.nextItem.Add(1)) - 1
				if it >= int(items) {
					break
				}
				waitFor(&j.progress[it], int32(step))
				ib, part := it/j.nSplit, it%j.nSplit
				ic := j.rowStart[ib]
				mb := j.rowStart[ib+1] - ic
				if ib != packed {
					kn.packA(ap, g.transA, g.a, g.lda, ic, pc, mb, kb, mr, g.alpha)
					packed = ib
				}
				s0, s1 := slivers*part/j.nSplit, slivers*(part+1)/j.nSplit
				c0, c1 := s0*nr, min(s1*nr, nb)
				macroKernel(kn, ap, bp[s0*nr*kb:], tile, mb, c1-c0, kb, g.c[ic*g.ldc+jc+c0:], g.ldc, beta)
				j.progress[it].Add(1)
				st.done.Add(1)
			}
			step++
		}
	}
}

// waitFor returns when *v reaches want. The work waited for is claimed by
// a running goroutine and short, so it spins, then yields, then sleeps.
func waitFor(v *atomic.Int32, want int32) {
	for i := 0; v.Load() < want; i++ {
		switch {
		case i < 100:
		case i < 2000:
			runtime.Gosched()
		default:
			time.Sleep(20 * time.Microsecond)
		}
	}
}
