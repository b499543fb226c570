package nn

import (
	"github.com/cemlab/cem/internal/defaults"

	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// OptimConfig holds AdamW and schedule settings. The zero value of a
// field selects the default in brackets.
type OptimConfig struct {
	LR          float64 // peak learning rate [1e-3]
	MinLRFrac   float64 // final LR as a fraction of LR [0.1]
	Warmup      int     // linear warmup steps [min(100, Steps/10)]
	Steps       int     // total steps of the schedule (required)
	WeightDecay float64 // decoupled, on matrices only [0.1]; negative means 0
	Beta1       float64 // [0.9]
	Beta2       float64 // [0.95]
	Eps         float64 // [1e-8]
	GradClip    float64 // global gradient norm limit [1]; negative disables
}

func (o OptimConfig) withDefaults() OptimConfig {
	if o.LR == 0 {
		o.LR = defaults.LearningRate
	}
	if o.MinLRFrac == 0 {
		o.MinLRFrac = 0.1
	}
	if o.Warmup == 0 {
		o.Warmup = min(100, o.Steps/10)
	}
	if o.WeightDecay == 0 {
		o.WeightDecay = 0.1
	} else if o.WeightDecay < 0 {
		o.WeightDecay = 0
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.95
	}
	if o.Eps == 0 {
		o.Eps = 1e-8
	}
	if o.GradClip == 0 {
		o.GradClip = 1
	}
	return o
}

// LRAt is the learning rate of step (0-based): linear warmup from LR/Warmup
// to LR over Warmup steps, then cosine decay to LR·MinLRFrac at Steps.
func (o OptimConfig) LRAt(step int) float64 {
	o = o.withDefaults()
	if step < o.Warmup {
		return o.LR * float64(step+1) / float64(o.Warmup)
	}
	span := max(1, o.Steps-o.Warmup)
	t := min(1, float64(step-o.Warmup)/float64(span))
	minLR := o.LR * o.MinLRFrac
	return minLR + 0.5*(o.LR-minLR)*(1+math.Cos(math.Pi*t))
}

// AdamW holds the optimiser state: first and second moments in the
// parameters' flat layout and the number of updates done.
type AdamW struct {
	M, V []float32
	Step int // updates applied so far
}

// NewAdamW returns zero moments for n parameters.
func NewAdamW(n int) *AdamW { return &AdamW{M: make([]float32, n), V: make([]float32, n)} }

// optChunk is the number of parameters per work item in the gradient
// norm: fixed, so results do not depend on GOMAXPROCS.
const optChunk = 1 << 15

// GradNorm returns the L2 norm of g, summed per fixed chunk in float64
// and the chunks added in order.
func GradNorm(g []float32) float64 {
	chunks := (len(g) + optChunk - 1) / optChunk
	part := make([]float64, chunks)
	parallelChunks(chunks, func(c int) {
		var s float64
		for _, v := range g[c*optChunk : min((c+1)*optChunk, len(g))] {
			s += float64(v) * float64(v)
		}
		part[c] = s
	})
	var s float64
	for _, p := range part {
		s += p
	}
	return math.Sqrt(s)
}

// Update applies one AdamW step with learning rate lr to params given
// grads (scaled by gradScale first, for clipping): per element
//
//	m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
//	p -= lr·(m/(1−β1^t) / (sqrt(v/(1−β2^t)) + eps) + wd·p)   (wd only where decay)
func (a *AdamW) Update(params, grads []float32, views []View, cfg OptimConfig, lr float64, gradScale float32) {
	cfg = cfg.withDefaults()
	a.Step++
	t := float64(a.Step)
	bc1 := 1 - math.Pow(cfg.Beta1, t)
	bc2 := 1 - math.Pow(cfg.Beta2, t)
	b1, b2 := float32(cfg.Beta1), float32(cfg.Beta2)
	stepSize := float32(lr / bc1)
	invBC2 := float32(1 / bc2)
	eps := float32(cfg.Eps)
	parallelChunks(len(views), func(vi int) {
		v := views[vi]
		lo, hi := v.Off, v.Off+v.Len()
		decay := float32(0)
		if v.Decay {
			decay = float32(lr * cfg.WeightDecay)
		}
		p, g, m, s := params[lo:hi], grads[lo:hi], a.M[lo:hi], a.V[lo:hi]
		for i := range p {
			gi := g[i] * gradScale
			m[i] = b1*m[i] + (1-b1)*gi
			s[i] = b2*s[i] + (1-b2)*gi*gi
			den := float32(math.Sqrt(float64(s[i]*invBC2))) + eps
			p[i] -= stepSize*m[i]/den + decay*p[i]
		}
	})
}

// parallelChunks calls fn(c) for c in [0, n) on GOMAXPROCS goroutines;
// calls must write disjoint memory.
func parallelChunks(n int, fn func(c int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for c := range n {
			fn(c)
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				c := int(next.Add(1)) - 1
				if c >= n {
					return
				}
				fn(c)
			}
		})
	}
	wg.Wait()
}
