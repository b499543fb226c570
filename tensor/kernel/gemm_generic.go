package kernel

// genericGemm is the portable pure-Go kernel set, used with the purego
// build tag, on other architectures, and when forced with CEM_KERNEL=generic.
// Its 2x4 tile keeps the eight accumulators, four values of B and two of A
// in registers (a 4x4 tile spills on amd64 and runs about 30% slower).
var genericGemm = &gemmKernel{
	mr: 2, nr: 4,
	mc: 64, kc: 256, nc: 1024,
	micro: micro2x4,
	packA: packAGo,
	packB: packBGo,
}

// micro2x4 is the pure-Go 2x4 micro-kernel; see gemmKernel for its
// reference loop.
func micro2x4(k int, a, b, c []float32, ldc int, beta float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	a = a[:2*k]
	b = b[:4*k]
	for len(a) >= 2 && len(b) >= 4 {
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		a0, a1 := a[0], a[1]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a, b = a[2:], b[4:]
	}
	storeRow4(c[0:4:4], c00, c01, c02, c03, beta)
	storeRow4(c[ldc:ldc+4:ldc+4], c10, c11, c12, c13, beta)
}

func storeRow4(c []float32, s0, s1, s2, s3, beta float32) {
	if beta != 0 {
		s0 += beta * c[0]
		s1 += beta * c[1]
		s2 += beta * c[2]
		s3 += beta * c[3]
	}
	c[0], c[1], c[2], c[3] = s0, s1, s2, s3
}
