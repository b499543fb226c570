package kernel

// smallM is the largest m that gemmSmallM handles: below it, packing B
// for a register tile that is mostly empty costs more than the product.
const smallM = 4

// gemmSmallM computes the product row by row with the vector kernels,
// without packing: with B transposed each element of C is a dot product of
// two contiguous rows; otherwise each row of C gathers k scaled rows of B
// (axpy). op(A)'s row is copied to row first when A is transposed. It runs
// on the calling goroutine.
func gemmSmallM(v *vecKernels, g *gemmArgs, row []float32) {
	for i := 0; i < g.m; i++ {
		crow := g.c[i*g.ldc : i*g.ldc+g.n]
		var arow []float32
		if g.transA {
			arow = row[:g.k]
			for p := range arow {
				arow[p] = g.a[p*g.lda+i]
			}
		} else {
			arow = g.a[i*g.lda : i*g.lda+g.k]
		}
		if g.transB {
			for j := range crow {
				s := g.alpha * v.dot(arow, g.b[j*g.ldb:j*g.ldb+g.k])
				if g.beta != 0 {
					s += g.beta * crow[j]
				}
				crow[j] = s
			}
			continue
		}
		switch g.beta {
		case 0:
			clear(crow)
		case 1:
		default:
			v.scale(g.beta, crow)
		}
		for p, x := range arow {
			v.axpy(g.alpha*x, g.b[p*g.ldb:p*g.ldb+g.n], crow)
		}
	}
}

// smallN is the largest n that gemmSmallN handles, for the same reason.
const smallN = 4

// gemmSmallN computes the product column by column with the vector
// kernels, without packing: each element of a column of C is the dot
// product of a row of A with the column of op(B) (copied to col unless B is
// transposed); with A transposed, the column is accumulated in acc from k
// scaled rows of A (axpy) instead. It runs on the calling goroutine.
func gemmSmallN(v *vecKernels, g *gemmArgs, col, acc []float32) {
	for j := 0; j < g.n; j++ {
		var bcol []float32
		if g.transB {
			bcol = g.b[j*g.ldb : j*g.ldb+g.k]
		} else {
			bcol = col[:g.k]
			for p := range bcol {
				bcol[p] = g.b[p*g.ldb+j]
			}
		}
		if g.transA {
			acc := acc[:g.m]
			clear(acc)
			for p, x := range bcol {
				v.axpy(x, g.a[p*g.lda:p*g.lda+g.m], acc)
			}
			for i, s := range acc {
				setC(g, i, j, g.alpha*s)
			}
			continue
		}
		for i := 0; i < g.m; i++ {
			setC(g, i, j, g.alpha*v.dot(g.a[i*g.lda:i*g.lda+g.k], bcol))
		}
	}
}

// setC stores s + beta*C[i,j], reading C only when beta is not 0.
func setC(g *gemmArgs, i, j int, s float32) {
	c := &g.c[i*g.ldc+j]
	if g.beta != 0 {
		s += g.beta * *c
	}
	*c = s
}
