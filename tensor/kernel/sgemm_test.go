package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// sgemmRef is the reference loop in float64; it also returns, for each
// element, the scale |alpha|*sum|a||b| + |beta*c| that bounds its error.
func sgemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (ref, scale []float64) {
	ref = make([]float64, m*n)
	scale = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, sa float64
			for p := 0; p < k; p++ {
				var x, y float32
				if transA {
					x = a[p*lda+i]
				} else {
					x = a[i*lda+p]
				}
				if transB {
					y = b[j*ldb+p]
				} else {
					y = b[p*ldb+j]
				}
				s += float64(x) * float64(y)
				sa += math.Abs(float64(x) * float64(y))
			}
			r := float64(alpha) * s
			sc := math.Abs(float64(alpha)) * sa
			if beta != 0 {
				r += float64(beta) * float64(c[i*ldc+j])
				sc += math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			ref[i*n+j], scale[i*n+j] = r, sc
		}
	}
	return ref, scale
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

const (
	guard    = 7 // sentinel elements before and after C
	sentinel = float32(-12345.5)
)

type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int // extra stride beyond the minimum
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d,alpha=%g,beta=%g,pad=%d", tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

// run executes the case with gemm and checks it against the reference,
// including the sentinels around and between the rows of C.
func (tc gemmCase) check(t *testing.T, r *rand.Rand, gemm func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)) []float32 {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
	a := randSlice(r, max(ar*lda, 1))
	b := randSlice(r, max(br*ldb, 1))
	cbuf := make([]float32, tc.m*ldc+2*guard)
	for i := range cbuf {
		cbuf[i] = sentinel
	}
	c := cbuf[guard : guard+tc.m*ldc]
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			if tc.beta == 0 {
				c[i*ldc+j] = float32(math.NaN())
			} else {
				c[i*ldc+j] = r.Float32()*2 - 1
			}
		}
	}
	ref, scale := sgemmRef(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	for i, v := range cbuf {
		in := i - guard
		if in >= 0 && in < tc.m*ldc && in%ldc < tc.n {
			continue
		}
		if v != sentinel {
			t.Fatalf("%v: cbuf[%d] = %v outside C; want sentinel", tc, i, v)
		}
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			got := float64(c[i*ldc+j])
			want := ref[i*tc.n+j]
			if d := math.Abs(got - want); !(d <= 1e-5*scale[i*tc.n+j]+1e-30) {
				t.Fatalf("%v: C[%d,%d] = %v; want %v (scale %g)", tc, i, j, got, want, scale[i*tc.n+j])
			}
		}
	}
	return c
}

func gemmCases(r *rand.Rand, sizes []int, count int) []gemmCase {
	var cases []gemmCase
	alphas := []float32{1, -0.5, 0}
	betas := []float32{0, 1, 0.7}
	for i := 0; i < count; i++ {
		cases = append(cases, gemmCase{
			transA: i%2 == 1, transB: i/2%2 == 1,
			m: sizes[r.IntN(len(sizes))], n: sizes[r.IntN(len(sizes))], k: sizes[r.IntN(len(sizes))],
			alpha: alphas[r.IntN(len(alphas))], beta: betas[i/4%3],
			pad: r.IntN(3),
		})
	}
	return cases
}

func TestSgemmPaths(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 5, 6, 7, 13, 14, 15, 16, 17, 31, 32, 33, 47, 64, 127}
	for _, path := range Paths() {
		t.Run(path, func(t *testing.T) {
			restore, _ := useKernel(path)
			defer restore()
			r := rand.New(rand.NewPCG(1, 2))
			for _, tc := range gemmCases(r, sizes, 240) {
				tc.check(t, r, Sgemm)
			}
			// Shapes that cross the mc, kc and nc blocks.
			for _, tc := range []gemmCase{
				{false, false, 350, 70, 300, 1, 0, 0},
				{true, false, 345, 33, 513, 0.5, 1, 1},
				{false, true, 29, 4100, 20, 1, 0.7, 0},
				{true, true, 400, 40, 260, -1, 0, 2},
				{false, false, 500, 1, 300, 1, 0, 0},
				{true, false, 300, 3, 200, 0.5, 0.7, 1},
				{false, true, 4, 700, 300, 1, 1, 0},
			} {
				tc.check(t, r, Sgemm)
			}
		})
	}
}

// TestSgemmThreads checks that results are bit-identical for every thread
// count and split direction.
func TestSgemmThreads(t *testing.T) {
	for _, path := range Paths() {
		t.Run(path, func(t *testing.T) {
			restore, _ := useKernel(path)
			defer restore()
			for _, tc := range []gemmCase{
				{false, false, 97, 45, 300, 1, 0, 0},
				{true, false, 45, 97, 270, 1, 0.5, 1},
				{false, true, 130, 130, 33, 1, 1, 0},
				{true, true, 200, 70, 20, -1, 0, 3},
			} {
				var first []float32
				for threads := 1; threads <= 5; threads++ {
					gemm := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
						sgemm(activeGemm(), threads, &gemmArgs{transA, transB, m, n, k, alpha, beta, a, b, c, lda, ldb, ldc})
					}
					r := rand.New(rand.NewPCG(3, 4)) // same data every time
					c := tc.check(t, r, gemm)
					if first == nil {
						first = c
						continue
					}
					for i := range c {
						if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
							t.Fatalf("%v threads=%d: C[%d] = %v; want %v as with 1 thread", tc, threads, i, c[i], first[i])
						}
					}
				}
			}
		})
	}
}

func TestSgemmPublicThreads(t *testing.T) {
	defer SetThreads(SetThreads(0))
	tc := gemmCase{false, true, 256, 200, 128, 1, 0, 0}
	var first []float32
	for _, n := range []int{1, 2, 3} {
		SetThreads(n)
		c := tc.check(t, rand.New(rand.NewPCG(5, 6)), Sgemm)
		if first == nil {
			first = c
			continue
		}
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(first[i]) {
				t.Fatalf("SetThreads(%d): C[%d] = %v; want %v", n, i, c[i], first[i])
			}
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 1, 1, 1, nil, 1, nil, 1, 0, nil, 1) }},
		{"short lda", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"short A", func() {
			Sgemm(false, false, 2, 2, 3, 1, make([]float32, 5), 3, make([]float32, 6), 2, 0, make([]float32, 4), 2)
		}},
		{"short C", func() {
			Sgemm(true, true, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 3, 0, make([]float32, 3), 2)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.f()
		})
	}
}

func TestSgemmAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	m, n, k := 300, 300, 300
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
	if got := testing.AllocsPerRun(10, func() { Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) }); got > 0 {
		t.Errorf("Sgemm allocates %v times per call; want 0", got)
	}
}

// TestSgemmConcurrent runs large products from several goroutines at once
// (sharing the helper goroutines) and checks each against the serial result.
func TestSgemmConcurrent(t *testing.T) {
	const m, n, k = 150, 90, 200
	r := rand.New(rand.NewPCG(17, 18))
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	want := make([]float32, m*n)
	sgemm(activeGemm(), 1, &gemmArgs{false, false, m, n, k, 1, 0, a, b, want, k, n, n})
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			c := make([]float32, m*n)
			for rep := 0; rep < 5; rep++ {
				sgemm(activeGemm(), 1+(g+rep)%3, &gemmArgs{false, false, m, n, k, 1, 0, a, b, c, k, n, n})
				for i := range c {
					if c[i] != want[i] {
						errs <- fmt.Sprintf("goroutine %d rep %d: C[%d] = %v; want %v", g, rep, i, c[i], want[i])
						return
					}
				}
			}
			errs <- ""
		}()
	}
	for g := 0; g < 8; g++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
