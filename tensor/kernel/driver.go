package kernel

import (
	"sync"
	"sync/atomic"
)

// gemmJob is one Sgemm call run by a team of t goroutines with the blocked
// algorithm: for each nc-wide panel of B and each kc-deep block of k (a
// step), the team packs the B panel into a shared buffer, waits at a
// barrier, then takes work items (an mc-tall block of rows of C, or a part
// of its columns when there are few blocks), each packing its block of A
// (scaled by alpha) and sweeping the register tiles.
//
// Steps run in increasing k, separated by the barrier, and the k blocks
// depend on k alone, so every element of C is accumulated in the same
// order by the same micro-kernel call whatever the number of goroutines and
// whoever takes which item: results are bit-identical. The B buffer is
// double: packing step s+1 only waits for step s-1 to finish, which the
// barrier of step s guarantees.
type gemmJob struct {
	kn         *gemmKernel
	g          gemmArgs
	t          int
	mc, kc, nc int
	mItems     int // row blocks per step
	nSplit     int // column parts per row block
	bp         [2][]float32
	next       []atomic.Int32 // per step: next B sliver, next item
	bar        barrier
	wg         sync.WaitGroup
	ws         *workspace // owns bp
}

var jobPool = sync.Pool{New: func() any { return new(gemmJob) }}

// sgemm runs the product on up to t goroutines (the caller and t-1
// helpers); g is valid and m > smallM or t == 1.
func sgemm(kn *gemmKernel, t int, g *gemmArgs) {
	if g.m <= smallM {
		ws := getWorkspace()
		_, _, row := ws.get(0, 0, g.k)
		gemmSmallM(activeVec(), g, row)
		putWorkspace(ws)
		return
	}
	j := jobPool.Get().(*gemmJob)
	j.setup(kn, t, g)
	if j.t > 1 {
		j.wg.Add(j.t - 1)
		startWorkers(j.t - 1)
		for i := 1; i < j.t; i++ {
			tasks <- j
		}
	}
	j.run()
	j.wg.Wait()
	putWorkspace(j.ws)
	j.g, j.ws, j.bp = gemmArgs{}, nil, [2][]float32{} // drop the caller's slices
	jobPool.Put(j)
}

func (j *gemmJob) setup(kn *gemmKernel, t int, g *gemmArgs) {
	mr, nr := kn.mr, kn.nr
	j.kn, j.g = kn, *g
	// Equal k blocks no longer than kn.kc: a short last block would cost a
	// pass over C for little work. They depend on k alone.
	j.kc = ceilDiv(g.k, ceilDiv(g.k, kn.kc))
	j.nc = min(kn.nc, roundUp(g.n, nr))
	// Row blocks small enough for about four per goroutine.
	j.mc = min(kn.mc, roundUp(g.m, mr))
	if t > 1 {
		j.mc = min(j.mc, max(mr, roundUp(ceilDiv(g.m, 4*t), mr)))
	}
	j.mItems = ceilDiv(g.m, j.mc)
	slivers := ceilDiv(j.nc, nr)
	j.nSplit = 1
	if j.mItems < 2*t {
		j.nSplit = min(slivers, ceilDiv(2*t, j.mItems))
	}
	j.t = max(1, min(t, j.mItems*j.nSplit))
	j.bar.init(j.t)
	steps := ceilDiv(g.n, j.nc) * ceilDiv(g.k, j.kc)
	if cap(j.next) < 2*steps {
		j.next = make([]atomic.Int32, 2*steps)
	}
	j.next = j.next[:2*steps]
	for i := range j.next {
		j.next[i].Store(0)
	}
	j.ws = getWorkspace()
	size := roundUp(j.nc, nr) * j.kc
	b0, b1, _ := j.ws.get(size, size, 0)
	j.bp = [2][]float32{b0, b1}
}

// run is one member of the team.
func (j *gemmJob) run() {
	kn, g := j.kn, &j.g
	mr, nr := kn.mr, kn.nr
	ws := getWorkspace()
	defer putWorkspace(ws)
	ap, _, tile := ws.get(j.mc*j.kc, 0, mr*nr)
	step := 0
	for jc := 0; jc < g.n; jc += j.nc {
		nb := min(j.nc, g.n-jc)
		slivers := ceilDiv(nb, nr)
		for pc := 0; pc < g.k; pc += j.kc {
			kb := min(j.kc, g.k-pc)
			bp := j.bp[step%2]
			for {
				s := int(j.next[2*step].Add(1)) - 1
				if s >= slivers {
					break
				}
				kn.packB(bp[s*nr*kb:], g.transB, g.b, g.ldb, pc, jc+s*nr, kb, min(nr, nb-s*nr), nr)
			}
			j.bar.wait()
			beta := g.beta
			if pc > 0 {
				beta = 1
			}
			packed := -1 // the row block now in ap
			for {
				it := int(j.next[2*step+1].Add(1)) - 1
				if it >= j.mItems*j.nSplit {
					break
				}
				ib, part := it/j.nSplit, it%j.nSplit
				ic := ib * j.mc
				mb := min(j.mc, g.m-ic)
				if ib != packed {
					kn.packA(ap, g.transA, g.a, g.lda, ic, pc, mb, kb, mr, g.alpha)
					packed = ib
				}
				s0, s1 := slivers*part/j.nSplit, slivers*(part+1)/j.nSplit
				c0, c1 := s0*nr, min(s1*nr, nb)
				macroKernel(kn, ap, bp[s0*nr*kb:], tile, mb, c1-c0, kb, g.c[ic*g.ldc+jc+c0:], g.ldc, beta)
			}
			step++
		}
	}
}
