//go:build !purego

#include "textflag.h"

// AVX-512 vector kernels. Each loops over 16 floats (64 for reductions)
// at a time and finishes with one masked vector for the n%16 tail.

// TAILMASK sets K1 to the low n bits, n in reg (< 16); clobbers DX.
#define TAILMASK(reg) \
	MOVL $1, DX; \
	SHLXL reg, DX, DX; \
	DECL DX; \
	KMOVW DX, K1

// HSUM leaves the sum of the 16 lanes of Z0 in X0; clobbers Z1.
#define HSUM \
	VEXTRACTF32X8 $1, Z0, Y1; \
	VADDPS Y1, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS X1, X0, X0; \
	VHADDPS X0, X0, X0; \
	VHADDPS X0, X0, X0

// func dotAVX512(x, y []float32) float32
TEXT ·dotAVX512(SB), NOSPLIT, $0-52
	MOVQ x_base+0(FP), SI
	MOVQ y_base+24(FP), DI
	MOVQ x_len+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4

dot_loop64:
	CMPQ CX, $64
	JLT dot_loop16
	VMOVUPS (SI), Z5
	VMOVUPS 64(SI), Z6
	VMOVUPS 128(SI), Z7
	VMOVUPS 192(SI), Z8
	VFMADD231PS (DI), Z5, Z0
	VFMADD231PS 64(DI), Z6, Z2
	VFMADD231PS 128(DI), Z7, Z3
	VFMADD231PS 192(DI), Z8, Z4
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP dot_loop64

dot_loop16:
	CMPQ CX, $16
	JLT dot_tail
	VMOVUPS (SI), Z5
	VFMADD231PS (DI), Z5, Z0
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP dot_loop16

dot_tail:
	TESTQ CX, CX
	JEQ dot_done
	TAILMASK(CX)
	VMOVUPS.Z (SI), K1, Z5
	VMOVUPS.Z (DI), K1, Z6
	VFMADD231PS Z6, Z5, Z2

dot_done:
	VADDPS Z2, Z0, Z0
	VADDPS Z4, Z3, Z3
	VADDPS Z3, Z0, Z0
	HSUM
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func sumAVX512(x []float32) float32
TEXT ·sumAVX512(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4

sum_loop64:
	CMPQ CX, $64
	JLT sum_loop16
	VADDPS (SI), Z0, Z0
	VADDPS 64(SI), Z2, Z2
	VADDPS 128(SI), Z3, Z3
	VADDPS 192(SI), Z4, Z4
	ADDQ $256, SI
	SUBQ $64, CX
	JMP sum_loop64

sum_loop16:
	CMPQ CX, $16
	JLT sum_tail
	VADDPS (SI), Z0, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	JMP sum_loop16

sum_tail:
	TESTQ CX, CX
	JEQ sum_done
	TAILMASK(CX)
	VMOVUPS.Z (SI), K1, Z5
	VADDPS Z5, Z2, Z2

sum_done:
	VADDPS Z2, Z0, Z0
	VADDPS Z4, Z3, Z3
	VADDPS Z3, Z0, Z0
	HSUM
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func maxAVX512(x []float32) float32
// NaNs are skipped: each step keeps the running maximum when the new
// element is NaN.
TEXT ·maxAVX512(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVL $0xff800000, DX
	VPBROADCASTD DX, Z0
	VMOVAPS Z0, Z2
	VMOVAPS Z0, Z9

max_loop32:
	CMPQ CX, $32
	JLT max_loop16
	VMOVUPS (SI), Z5
	VMOVUPS 64(SI), Z6
	VMAXPS Z0, Z5, Z0
	VMAXPS Z2, Z6, Z2
	ADDQ $128, SI
	SUBQ $32, CX
	JMP max_loop32

max_loop16:
	CMPQ CX, $16
	JLT max_tail
	VMOVUPS (SI), Z5
	VMAXPS Z0, Z5, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	JMP max_loop16

max_tail:
	TESTQ CX, CX
	JEQ max_done
	TAILMASK(CX)
	VMOVAPS Z9, Z5
	VMOVUPS (SI), K1, Z5
	VMAXPS Z0, Z5, Z0

max_done:
	VMAXPS Z0, Z2, Z0
	VEXTRACTF32X8 $1, Z0, Y1
	VMAXPS Y0, Y1, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X0, X1, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X0, X1, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X0, X1, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func axpyAVX512(alpha float32, x, y []float32)
TEXT ·axpyAVX512(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Z4
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX
	MOVQ y_base+32(FP), DI

axpy_loop32:
	CMPQ CX, $32
	JLT axpy_loop16
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VFMADD231PS (SI), Z4, Z0
	VFMADD231PS 64(SI), Z4, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP axpy_loop32

axpy_loop16:
	CMPQ CX, $16
	JLT axpy_tail
	VMOVUPS (DI), Z0
	VFMADD231PS (SI), Z4, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP axpy_loop16

axpy_tail:
	TESTQ CX, CX
	JEQ axpy_done
	TAILMASK(CX)
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VFMADD231PS Z1, Z4, Z0
	VMOVUPS Z0, K1, (DI)

axpy_done:
	VZEROUPPER
	RET

// func scaleAVX512(alpha float32, x []float32)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Z4
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX

scale_loop16:
	CMPQ CX, $16
	JLT scale_tail
	VMULPS (SI), Z4, Z0
	VMOVUPS Z0, (SI)
	ADDQ $64, SI
	SUBQ $16, CX
	JMP scale_loop16

scale_tail:
	TESTQ CX, CX
	JEQ scale_done
	TAILMASK(CX)
	VMOVUPS.Z (SI), K1, Z0
	VMULPS Z0, Z4, Z0
	VMOVUPS Z0, K1, (SI)

scale_done:
	VZEROUPPER
	RET

// BINARY defines name(dst, x, y []float32) as dst[i] = x[i] op y[i].
#define BINARY(name, op) \
TEXT name(SB), NOSPLIT, $0-72; \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ x_base+24(FP), SI; \
	MOVQ y_base+48(FP), BX; \
loop16: \
	CMPQ CX, $16; \
	JLT tail; \
	VMOVUPS (SI), Z0; \
	op (BX), Z0, Z0; \
	VMOVUPS Z0, (DI); \
	ADDQ $64, SI; \
	ADDQ $64, BX; \
	ADDQ $64, DI; \
	SUBQ $16, CX; \
	JMP loop16; \
tail: \
	TESTQ CX, CX; \
	JEQ done; \
	TAILMASK(CX); \
	VMOVUPS.Z (SI), K1, Z0; \
	VMOVUPS.Z (BX), K1, Z1; \
	op Z1, Z0, Z0; \
	VMOVUPS Z0, K1, (DI); \
done: \
	VZEROUPPER; \
	RET

// func addAVX512(dst, x, y []float32)
BINARY(·addAVX512, VADDPS)

// func mulAVX512(dst, x, y []float32)
BINARY(·mulAVX512, VMULPS)
