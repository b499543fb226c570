//go:build !purego

#include "textflag.h"

// Packing routines of the AVX-512 SGEMM path (14-row A slivers, 32-column
// B slivers). Transposing reads use gathers; the index of the last lane
// (31*ld) must fit in an int32, which the Go callers check.

DATA iota<>+0(SB)/4, $0
DATA iota<>+4(SB)/4, $1
DATA iota<>+8(SB)/4, $2
DATA iota<>+12(SB)/4, $3
DATA iota<>+16(SB)/4, $4
DATA iota<>+20(SB)/4, $5
DATA iota<>+24(SB)/4, $6
DATA iota<>+28(SB)/4, $7
DATA iota<>+32(SB)/4, $8
DATA iota<>+36(SB)/4, $9
DATA iota<>+40(SB)/4, $10
DATA iota<>+44(SB)/4, $11
DATA iota<>+48(SB)/4, $12
DATA iota<>+52(SB)/4, $13
DATA iota<>+56(SB)/4, $14
DATA iota<>+60(SB)/4, $15
GLOBL iota<>(SB), RODATA|NOPTR, $64

// func packA14N(k int, a *float32, lda, rows int, dst *float32, alpha float32)
// dst[p*14+i] = alpha*a[i*lda+p] for i < rows, 0 for rows <= i < 14.
TEXT ·packA14N(SB), NOSPLIT, $0-44
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ rows+24(FP), BX
	MOVQ dst+32(FP), DI
	VPBROADCASTD lda+16(FP), Z30
	VPMULLD iota<>(SB), Z30, Z31
	VBROADCASTSS alpha+40(FP), Z29
	MOVQ BX, R8
	MOVL $1, DX
	SHLXL R8, DX, DX
	DECL DX
	KMOVW DX, K2
	MOVL $0x3fff, DX
	KMOVW DX, K3
	TESTQ CX, CX
	JEQ packA14N_done

packA14N_loop:
	KMOVW K2, K1
	VPXORD Z0, Z0, Z0
	VGATHERDPS (AX)(Z31*4), K1, Z0
	VMULPS Z29, Z0, Z0
	VMOVUPS Z0, K3, (DI)
	ADDQ $4, AX
	ADDQ $56, DI
	DECQ CX
	JNE packA14N_loop

packA14N_done:
	VZEROUPPER
	RET

// func packA14T(k int, a *float32, lda, rows int, dst *float32, alpha float32)
// dst[p*14+i] = alpha*a[p*lda+i] for i < rows, 0 for rows <= i < 14.
TEXT ·packA14T(SB), NOSPLIT, $0-44
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ lda+16(FP), SI
	SHLQ $2, SI
	MOVQ rows+24(FP), BX
	MOVQ dst+32(FP), DI
	VBROADCASTSS alpha+40(FP), Z29
	MOVL $1, DX
	SHLXL BX, DX, DX
	DECL DX
	KMOVW DX, K2
	MOVL $0x3fff, DX
	KMOVW DX, K3
	TESTQ CX, CX
	JEQ packA14T_done

packA14T_loop:
	VMOVUPS.Z (AX), K2, Z0
	VMULPS Z29, Z0, Z0
	VMOVUPS Z0, K3, (DI)
	ADDQ SI, AX
	ADDQ $56, DI
	DECQ CX
	JNE packA14T_loop

packA14T_done:
	VZEROUPPER
	RET

// func packB32N(k int, b *float32, ldb, cols int, dst *float32)
// dst[p*32+j] = b[p*ldb+j] for j < cols, 0 for cols <= j < 32.
TEXT ·packB32N(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ b+8(FP), AX
	MOVQ ldb+16(FP), SI
	SHLQ $2, SI
	MOVQ cols+24(FP), BX
	MOVQ dst+32(FP), DI
	MOVQ $1, DX
	SHLXQ BX, DX, DX
	DECQ DX
	KMOVD DX, K2
	KSHIFTRD $16, K2, K4
	TESTQ CX, CX
	JEQ packB32N_done

packB32N_loop:
	VMOVUPS.Z (AX), K2, Z0
	VMOVUPS.Z 64(AX), K4, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ SI, AX
	ADDQ $128, DI
	DECQ CX
	JNE packB32N_loop

packB32N_done:
	VZEROUPPER
	RET

// func packB32T(k int, b *float32, ldb, cols int, dst *float32)
// dst[p*32+j] = b[j*ldb+p] for j < cols, 0 for cols <= j < 32.
TEXT ·packB32T(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ b+8(FP), AX
	MOVQ cols+24(FP), BX
	MOVQ dst+32(FP), DI
	VPBROADCASTD ldb+16(FP), Z30
	VPMULLD iota<>(SB), Z30, Z31
	VPSLLD $4, Z30, Z28
	VPADDD Z28, Z31, Z28
	MOVQ $1, DX
	SHLXQ BX, DX, DX
	DECQ DX
	KMOVD DX, K2
	KSHIFTRD $16, K2, K4
	TESTQ CX, CX
	JEQ packB32T_done

packB32T_loop:
	KMOVW K2, K1
	VPXORD Z0, Z0, Z0
	VGATHERDPS (AX)(Z31*4), K1, Z0
	KMOVW K4, K5
	VPXORD Z1, Z1, Z1
	VGATHERDPS (AX)(Z28*4), K5, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ $4, AX
	ADDQ $128, DI
	DECQ CX
	JNE packB32T_loop

packB32T_done:
	VZEROUPPER
	RET
