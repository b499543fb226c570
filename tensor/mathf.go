package tensor

import (
	"math"

	"github.com/cemlab/cem/tensor/kernel"
)

// Expf returns e**x in float32 with a relative error of about 2 ulp. It
// is several times faster than math.Exp and the same on every platform.
// Expf(x) is 0 below -87.3 (no denormals), +Inf above 88.3, NaN for NaN.
func Expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
		magic = 12582912 // 1.5·2^23: adding and subtracting it rounds to an integer
	)
	if !(x > -87.3) || x > 88.3 {
		switch {
		case x > 88.3:
			return float32(math.Inf(1))
		case x != x:
			return x
		}
		return 0
	}
	kf := (x*log2e + magic) - magic // k = round(x/ln2), |k| <= 127
	r := x - kf*ln2hi - kf*ln2lo
	// e**r on |r| <= ln2/2 by a degree-6 Taylor polynomial (Horner).
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	return p * math.Float32frombits(uint32(int32(kf)+127)<<23)
}

// dot and axpy are kernel.Dot and kernel.Axpy (equal lengths).
func dot(a, b []float32) float32         { return kernel.Dot(a, b) }
func axpy(alpha float32, x, y []float32) { kernel.Axpy(alpha, x, y) }

// sigmoid returns 1/(1+e**-x) in float32.
func sigmoid(x float32) float32 { return 1 / (1 + Expf(-x)) }
