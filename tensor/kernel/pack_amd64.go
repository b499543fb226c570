//go:build !purego

package kernel

// The AVX-512 packing routines; see packAGo and packBGo for what they
// compute on one sliver of 14 rows of A or 32 columns of B.

//go:noescape
func packA14N(k int, a *float32, lda, rows int, dst *float32, alpha float32)

//go:noescape
func packA14NT(k16 int, a *float32, lda int, dst *float32, alpha float32)

//go:noescape
func packA14T(k int, a *float32, lda, rows int, dst *float32, alpha float32)

//go:noescape
func packB32N(k int, b *float32, ldb, cols int, dst *float32)

//go:noescape
func packB32TT(k16 int, b *float32, ldb int, dst *float32)

//go:noescape
func packB32T(k int, b *float32, ldb, cols int, dst *float32)

// maxGatherLd is the largest stride the gathering packers take: their lane
// offsets (up to 31*ld) are int32.
const maxGatherLd = (1<<31 - 1) / 32

// packA14 is packAGo for mr == 14 in assembly.
func packA14(dst []float32, trans bool, a []float32, lda, i0, p0, mb, kb, mr int, alpha float32) {
	if !trans && lda > maxGatherLd {
		packAGo(dst, trans, a, lda, i0, p0, mb, kb, mr, alpha)
		return
	}
	for s := 0; s*14 < mb; s++ {
		d := dst[s*14*kb : (s+1)*14*kb]
		rows := min(14, mb-s*14)
		r0 := i0 + s*14
		if trans {
			// The last row of the sliver ends at (p0+kb-1)*lda + r0+rows.
			_ = a[(p0+kb-1)*lda+r0+rows-1]
			packA14T(kb, &a[p0*lda+r0], lda, rows, &d[0], alpha)
		} else {
			_ = a[(r0+rows-1)*lda+p0+kb-1]
			done := 0
			if rows == 14 && kb >= 16 {
				// The transposing packer takes whole blocks of 16
				// columns, the gathering one the rest.
				done = kb &^ 15
				packA14NT(kb/16, &a[r0*lda+p0], lda, &d[0], alpha)
			}
			if done < kb {
				packA14N(kb-done, &a[r0*lda+p0+done], lda, rows, &d[done*14], alpha)
			}
		}
	}
}

// packB32 is packBGo for nr == 32 in assembly.
func packB32(dst []float32, trans bool, b []float32, ldb, p0, j0, kb, nb, nr int) {
	if trans && ldb > maxGatherLd {
		packBGo(dst, trans, b, ldb, p0, j0, kb, nb, nr)
		return
	}
	for s := 0; s*32 < nb; s++ {
		d := dst[s*32*kb : (s+1)*32*kb]
		cols := min(32, nb-s*32)
		c0 := j0 + s*32
		if trans {
			_ = b[(c0+cols-1)*ldb+p0+kb-1]
			done := 0
			if cols == 32 && kb >= 16 {
				// As for A: transposes for whole blocks of 16, gathers
				// for the rest.
				done = kb &^ 15
				packB32TT(kb/16, &b[c0*ldb+p0], ldb, &d[0])
			}
			if done < kb {
				packB32T(kb-done, &b[c0*ldb+p0+done], ldb, cols, &d[done*32])
			}
		} else {
			_ = b[(p0+kb-1)*ldb+c0+cols-1]
			packB32N(kb, &b[p0*ldb+c0], ldb, cols, &d[0])
		}
	}
}
