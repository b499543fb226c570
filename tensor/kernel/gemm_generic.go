package kernel

// genericGemm is the portable pure-Go kernel set, used with the purego
// build tag, on other architectures, and when forced with CEM_KERNEL=generic.
var genericGemm = &gemmKernel{
	name: "generic",
	mr:   4, nr: 4,
	mc: 64, kc: 256, nc: 1024,
	micro: micro4x4,
	packA: packAGo,
	packB: packBGo,
}

// micro4x4 is the pure-Go 4x4 micro-kernel; see gemmKernel for its
// reference loop.
func micro4x4(k int, a, b, c []float32, ldc int, beta float32) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	a = a[:4*k]
	b = b[:4*k]
	for p := 0; p < k; p++ {
		av := a[4*p : 4*p+4 : 4*p+4]
		bv := b[4*p : 4*p+4 : 4*p+4]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		a0 := av[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := av[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := av[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := av[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	storeRow4(c[0:4:4], c00, c01, c02, c03, beta)
	storeRow4(c[ldc:ldc+4:ldc+4], c10, c11, c12, c13, beta)
	storeRow4(c[2*ldc:2*ldc+4:2*ldc+4], c20, c21, c22, c23, beta)
	storeRow4(c[3*ldc:3*ldc+4:3*ldc+4], c30, c31, c32, c33, beta)
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
