package kernel

// gemmKernel is one micro-kernel with its cache blocking. The micro-kernel
// computes an mr x nr tile of C from a packed mr-row sliver of A and a
// packed nr-column sliver of B, k deep:
//
//	for i := 0; i < mr; i++ {
//		for j := 0; j < nr; j++ {
//			var s float32
//			for p := 0; p < k; p++ {
//				s += a[p*mr+i] * b[p*nr+j]
//			}
//			c[i*ldc+j] = s + beta*c[i*ldc+j] // c is not read when beta == 0
//		}
//	}
type gemmKernel struct {
	mr, nr     int // register tile
	mc, kc, nc int // cache blocks; mc is a multiple of mr, nc of nr
	micro      func(k int, a, b, c []float32, ldc int, beta float32)
	packA      func(dst []float32, trans bool, a []float32, lda, i0, p0, mb, kb, mr int, alpha float32)
	packB      func(dst []float32, trans bool, b []float32, ldb, p0, j0, kb, nb, nr int)
	// edge, if not nil, is the micro-kernel for a partial tile: it reads
	// and writes only the top-left rows x cols of the tile of C.
	edge func(k int, a, b, c []float32, ldc int, beta float32, rows, cols int)
}

// gemmArgs are the arguments of one Sgemm call, already validated.
type gemmArgs struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

// macroKernel sweeps the packed mb x kb block of A against the packed
// kb x nb panel of B. Partial tiles at the right and bottom edges go to
// the edge kernel, or are computed into tile and merged.
func macroKernel(kn *gemmKernel, ap, bp, tile []float32, mb, nb, kb int, c []float32, ldc int, beta float32) {
	mr, nr := kn.mr, kn.nr
	for jr := 0; jr < nb; jr += nr {
		nw := min(nr, nb-jr)
		bs := bp[jr*kb:]
		for ir := 0; ir < mb; ir += mr {
			mh := min(mr, mb-ir)
			as := ap[ir*kb:]
			if mh == mr && nw == nr {
				kn.micro(kb, as, bs, c[ir*ldc+jr:], ldc, beta)
				continue
			}
			if kn.edge != nil {
				kn.edge(kb, as, bs, c[ir*ldc+jr:], ldc, beta, mh, nw)
				continue
			}
			kn.micro(kb, as, bs, tile, nr, 0)
			for i := 0; i < mh; i++ {
				row := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+nw]
				t := tile[i*nr : i*nr+nw]
				if beta == 0 {
					copy(row, t)
					continue
				}
				for j, v := range t {
					row[j] = v + beta*row[j]
				}
			}
		}
	}
}

// packAGo copies alpha*op(A)[i0:i0+mb, p0:p0+kb] into dst as mr-row slivers:
// sliver s holds element (s*mr+i, p) at s*mr*kb + p*mr + i. Rows past mb
// are zero.
func packAGo(dst []float32, trans bool, a []float32, lda, i0, p0, mb, kb, mr int, alpha float32) {
	for s := 0; s*mr < mb; s++ {
		d := dst[s*mr*kb : (s+1)*mr*kb]
		rows := min(mr, mb-s*mr)
		r0 := i0 + s*mr
		if trans {
			for p := 0; p < kb; p++ {
				src := a[(p0+p)*lda+r0:][:rows]
				dd := d[p*mr : p*mr+mr]
				for i, v := range src {
					dd[i] = alpha * v
				}
				clear(dd[rows:])
			}
			continue
		}
		for i := 0; i < rows; i++ {
			src := a[(r0+i)*lda+p0:][:kb]
			for p, v := range src {
				d[p*mr+i] = alpha * v
			}
		}
		for i := rows; i < mr; i++ {
			for p := 0; p < kb; p++ {
				d[p*mr+i] = 0
			}
		}
	}
}

// packBGo copies op(B)[p0:p0+kb, j0:j0+nb] into dst as nr-column slivers:
// sliver s holds element (p, s*nr+j) at s*nr*kb + p*nr + j. Columns past
// nb are zero.
func packBGo(dst []float32, trans bool, b []float32, ldb, p0, j0, kb, nb, nr int) {
	for s := 0; s*nr < nb; s++ {
		d := dst[s*nr*kb : (s+1)*nr*kb]
		cols := min(nr, nb-s*nr)
		c0 := j0 + s*nr
		if !trans {
			for p := 0; p < kb; p++ {
				dd := d[p*nr : p*nr+nr]
				copy(dd, b[(p0+p)*ldb+c0:][:cols])
				clear(dd[cols:])
			}
			continue
		}
		for j := 0; j < cols; j++ {
			src := b[(c0+j)*ldb+p0:][:kb]
			for p, v := range src {
				d[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := 0; p < kb; p++ {
				d[p*nr+j] = 0
			}
		}
	}
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }

func ceilDiv(x, m int) int { return (x + m - 1) / m }
