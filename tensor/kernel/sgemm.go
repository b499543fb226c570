package kernel

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices,
// where op(X) is X or its transpose. op(A) is m x k, op(B) is k x n and C
// is m x n. lda, ldb and ldc are the row strides of A, B and C as stored:
// A is stored m x k (k x m when transA), B is stored k x n (n x k when
// transB). Reference loop:
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s float32
//			for p := 0; p < k; p++ {
//				s += opA(i, p) * opB(p, j)
//			}
//			c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
//		}
//	}
//
// When beta is 0, C is not read (NaNs in C do not propagate). When alpha
// is 0 or k is 0, A and B are not read and C becomes beta*C. Elements of C
// outside the m x n window (the tail of each row up to ldc) are never
// touched. C must not overlap A or B.
//
// Large products run on up to Threads() goroutines; the result is
// bit-identical for every thread count, because each element of C is
// accumulated by one goroutine in a fixed order of k. The rounding differs
// from the reference loop (alpha is applied to A before the products, and
// k is summed in blocks), within float32 tolerance.
//
// Sgemm panics if a dimension is negative, a stride is smaller than its
// row length, or a slice is too short for its dimensions and stride.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleMatrix(m, n, beta, c, ldc)
		return
	}
	sgemm(activeGemm(), threadsFor(m, n, k), &gemmArgs{
		transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
	})
}

// checkSgemm panics with a message naming the bad argument.
func checkSgemm(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernel: Sgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("A", ar, ac, la, lda)
	checkMatrix("B", br, bc, lb, ldb)
	checkMatrix("C", m, n, lc, ldc)
}

// checkMatrix panics unless a rows x cols matrix with the given stride fits
// in a slice of length n.
func checkMatrix(name string, rows, cols, n, ld int) {
	if ld < cols || ld < 0 {
		panic(fmt.Sprintf("kernel: Sgemm: ld%s=%d is less than its %d columns", name, ld, cols))
	}
	if rows > 0 && cols > 0 && n < (rows-1)*ld+cols {
		panic(fmt.Sprintf("kernel: Sgemm: len(%s)=%d is less than (%d-1)*%d+%d", name, n, rows, ld, cols))
	}
}

// scaleMatrix sets C = beta*C over the m x n window; beta 0 writes zeros
// without reading C.
func scaleMatrix(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}
