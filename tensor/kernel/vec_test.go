package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

var vecLengths = []int{0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 1000, 1027}

// guarded returns a slice of n random values in [lo, hi) inside a buffer
// of sentinels, and a check that the sentinels are untouched.
func guarded(t *testing.T, r *rand.Rand, n int, lo, hi float32) ([]float32, func()) {
	buf := make([]float32, n+2*guard)
	for i := range buf {
		buf[i] = sentinel
	}
	s := buf[guard : guard+n]
	for i := range s {
		s[i] = lo + (hi-lo)*r.Float32()
	}
	return s, func() {
		t.Helper()
		for i, v := range buf {
			if (i < guard || i >= guard+n) && v != sentinel {
				t.Fatalf("n=%d: guard %d = %v; want sentinel", n, i, v)
			}
		}
	}
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol || got == want
}

// forEachPath runs f under every available kernel path.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	for _, p := range Paths() {
		t.Run(p, func(t *testing.T) {
			restore, _ := useKernel(p)
			defer restore()
			f(t)
		})
	}
}

func TestReductions(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, n := range vecLengths {
			x, cx := guarded(t, r, n, -1, 1)
			y, cy := guarded(t, r, n, -1, 1)
			var dot, dotAbs, sum, sumAbs float64
			mx := math.Inf(-1)
			for i := range x {
				dot += float64(x[i]) * float64(y[i])
				dotAbs += math.Abs(float64(x[i]) * float64(y[i]))
				sum += float64(x[i])
				sumAbs += math.Abs(float64(x[i]))
				mx = max(mx, float64(x[i]))
			}
			if got := Dot(x, y); !near(float64(got), dot, 1e-6*dotAbs) {
				t.Errorf("Dot n=%d = %v; want %v", n, got, dot)
			}
			if got := Sum(x); !near(float64(got), sum, 1e-6*sumAbs) {
				t.Errorf("Sum n=%d = %v; want %v", n, got, sum)
			}
			if got := Max(x); float64(got) != mx {
				t.Errorf("Max n=%d = %v; want %v", n, got, mx)
			}
			want := -1
			for i, v := range x {
				if want < 0 || v > x[want] {
					want = i
				}
			}
			if got := MaxIndex(x); got != want {
				t.Errorf("MaxIndex n=%d = %d; want %d", n, got, want)
			}
			cx()
			cy()
		}
	})
}

func TestMaxSpecial(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	forEachPath(t, func(t *testing.T) {
		for _, tc := range []struct {
			x    []float32
			max  float32
			argm int
		}{
			{[]float32{nan, 1, 2, nan}, 2, 2},
			{[]float32{nan, nan}, -inf, -1},
			{[]float32{-inf, nan, -inf}, -inf, 0},
			{[]float32{3, 5, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5}, 5, 1},
			{[]float32{-0.5, inf, -inf}, inf, 1},
		} {
			if got := Max(tc.x); got != tc.max {
				t.Errorf("Max(%v) = %v; want %v", tc.x, got, tc.max)
			}
			if got := MaxIndex(tc.x); got != tc.argm {
				t.Errorf("MaxIndex(%v) = %v; want %v", tc.x, got, tc.argm)
			}
		}
	})
}

func TestElementwise(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, n := range vecLengths {
			x, cx := guarded(t, r, n, -2, 2)
			y, cy := guarded(t, r, n, -2, 2)
			dst, cd := guarded(t, r, n, -2, 2)
			x0, y0 := append([]float32(nil), x...), append([]float32(nil), y...)
			check := func(op string, got []float32, want func(i int) float64) {
				t.Helper()
				for i := range got {
					w := want(i)
					if !near(float64(got[i]), w, 2e-7*(math.Abs(w)+4)) {
						t.Fatalf("%s n=%d: [%d] = %v; want %v", op, n, i, got[i], w)
					}
				}
			}
			Add(dst, x, y)
			check("Add", dst, func(i int) float64 { return float64(x0[i]) + float64(y0[i]) })
			Mul(dst, x, y)
			check("Mul", dst, func(i int) float64 { return float64(x0[i]) * float64(y0[i]) })
			Axpy(-1.5, x, y)
			check("Axpy", y, func(i int) float64 { return float64(y0[i]) - 1.5*float64(x0[i]) })
			copy(y, y0)
			Mul(y, y, x) // dst aliases x
			check("Mul aliased", y, func(i int) float64 { return float64(y0[i]) * float64(x0[i]) })
			Add(x, y, x)
			check("Add aliased", x, func(i int) float64 { return float64(y[i]) + float64(x0[i]) })
			copy(x, x0)
			Scale(0.25, x)
			check("Scale", x, func(i int) float64 { return 0.25 * float64(x0[i]) })
			cx()
			cy()
			cd()
		}
	})
}

func TestSoftmax(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, n := range vecLengths {
			x, cx := guarded(t, r, n, -30, 30)
			if n > 3 {
				x[1] = float32(math.Inf(-1))
				x[2] = -1e30
			}
			ref := make([]float64, n)
			m, s := math.Inf(-1), 0.0
			for _, v := range x {
				m = max(m, float64(v))
			}
			for i, v := range x {
				ref[i] = math.Exp(float64(v) - m)
				s += ref[i]
			}
			Softmax(x)
			for i := range x {
				want := ref[i] / s
				if !near(float64(x[i]), want, 2e-6*want+1e-12) {
					t.Fatalf("Softmax n=%d: [%d] = %v; want %v", n, i, x[i], want)
				}
			}
			cx()
		}
		allNegInf := []float32{float32(math.Inf(-1)), float32(math.Inf(-1))}
		Softmax(allNegInf)
		if !math.IsInf(float64(allNegInf[0]), -1) {
			t.Errorf("Softmax(all -Inf) = %v; want unchanged", allNegInf)
		}
	})
}

func TestExpRange(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		// Every exponent from underflow to overflow, through expShift.
		var x []float32
		for v := float32(-110); v <= 95; v += 0.01 {
			x = append(x, v)
		}
		x = append(x, float32(math.Inf(-1)), float32(math.Inf(1)))
		in := append([]float32(nil), x...)
		activeVec().expShift(x, 0)
		for i, v := range in {
			want := math.Exp(float64(v))
			if want > math.MaxFloat32 {
				want = math.Inf(1)
			}
			tol := max(1e-6*want, 2e-45) // denormals: one unit

			if !near(float64(x[i]), want, tol) {
				t.Fatalf("exp(%v) = %v; want %v", v, x[i], want)
			}
		}
	})
}

func TestSiLU(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(13, 14))
		for _, n := range vecLengths {
			x, cx := guarded(t, r, n, -20, 20)
			if n > 4 {
				x[0], x[1], x[2], x[3] = 0, -100, 100, float32(math.Inf(1))
			}
			dst, cd := guarded(t, r, n, 0, 1)
			SiLU(dst, x)
			for i, v := range x {
				want := float64(v) / (1 + math.Exp(-float64(v)))
				if !near(float64(dst[i]), want, 2e-6*math.Abs(want)+1e-30) {
					t.Fatalf("SiLU(%v) = %v; want %v", v, dst[i], want)
				}
			}
			SiLU(x, x)
			for i := range x {
				if x[i] != dst[i] {
					t.Fatalf("SiLU in place n=%d: [%d] = %v; want %v", n, i, x[i], dst[i])
				}
			}
			cx()
			cd()
		}
	})
}

func TestRMSNorm(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(15, 16))
		for _, n := range vecLengths[1:] {
			x, cx := guarded(t, r, n, -3, 3)
			w, cw := guarded(t, r, n, 0.5, 1.5)
			dst, cd := guarded(t, r, n, 0, 1)
			var ss float64
			for _, v := range x {
				ss += float64(v) * float64(v)
			}
			inv := 1 / math.Sqrt(ss/float64(n)+1e-5)
			got := RMSNorm(dst, x, w, 1e-5)
			if !near(float64(got), inv, 1e-5*inv) {
				t.Fatalf("RMSNorm n=%d returned %v; want %v", n, got, inv)
			}
			for i := range dst {
				want := float64(x[i]) * inv * float64(w[i])
				if !near(float64(dst[i]), want, 1e-5*math.Abs(want)+1e-7) {
					t.Fatalf("RMSNorm n=%d: [%d] = %v; want %v", n, i, dst[i], want)
				}
			}
			cx()
			cw()
			cd()
		}
		if got := RMSNorm(nil, nil, nil, 1e-5); got != 0 {
			t.Errorf("RMSNorm(empty) = %v; want 0", got)
		}
	})
}

func TestVecLengthPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Dot":     func() { Dot(make([]float32, 2), make([]float32, 3)) },
		"Axpy":    func() { Axpy(1, make([]float32, 2), make([]float32, 1)) },
		"Add":     func() { Add(make([]float32, 2), make([]float32, 2), make([]float32, 3)) },
		"Mul":     func() { Mul(make([]float32, 3), make([]float32, 2), make([]float32, 3)) },
		"SiLU":    func() { SiLU(make([]float32, 3), make([]float32, 2)) },
		"RMSNorm": func() { RMSNorm(make([]float32, 3), make([]float32, 3), make([]float32, 2), 0) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with unequal lengths did not panic", name)
				}
			}()
			f()
		})
	}
}
