//go:build !purego

#include "textflag.h"

// AVX2 vector kernels over the first len(x)&^7 elements; the Go wrappers
// in vec_amd64.go finish the tail.

// HSUM8 leaves the sum of the 8 lanes of Y0 in X0; clobbers Y1.
#define HSUM8 \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS X1, X0, X0; \
	VHADDPS X0, X0, X0; \
	VHADDPS X0, X0, X0

// func dotAVX2(x, y []float32) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ x_base+0(FP), SI
	MOVQ y_base+24(FP), DI
	MOVQ x_len+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4

dot2_loop32:
	CMPQ CX, $32
	JLT dot2_loop8
	VMOVUPS (SI), Y5
	VMOVUPS 32(SI), Y6
	VMOVUPS 64(SI), Y7
	VMOVUPS 96(SI), Y8
	VFMADD231PS (DI), Y5, Y0
	VFMADD231PS 32(DI), Y6, Y2
	VFMADD231PS 64(DI), Y7, Y3
	VFMADD231PS 96(DI), Y8, Y4
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP dot2_loop32

dot2_loop8:
	CMPQ CX, $8
	JLT dot2_done
	VMOVUPS (SI), Y5
	VFMADD231PS (DI), Y5, Y0
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP dot2_loop8

dot2_done:
	VADDPS Y2, Y0, Y0
	VADDPS Y4, Y3, Y3
	VADDPS Y3, Y0, Y0
	HSUM8
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func sumAVX2(x []float32) float32
TEXT ·sumAVX2(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4

sum2_loop32:
	CMPQ CX, $32
	JLT sum2_loop8
	VADDPS (SI), Y0, Y0
	VADDPS 32(SI), Y2, Y2
	VADDPS 64(SI), Y3, Y3
	VADDPS 96(SI), Y4, Y4
	ADDQ $128, SI
	SUBQ $32, CX
	JMP sum2_loop32

sum2_loop8:
	CMPQ CX, $8
	JLT sum2_done
	VADDPS (SI), Y0, Y0
	ADDQ $32, SI
	SUBQ $8, CX
	JMP sum2_loop8

sum2_done:
	VADDPS Y2, Y0, Y0
	VADDPS Y4, Y3, Y3
	VADDPS Y3, Y0, Y0
	HSUM8
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func maxAVX2(x []float32) float32
// NaNs are skipped, as in maxAVX512; -Inf for fewer than 8 elements.
TEXT ·maxAVX2(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVL $0xff800000, DX
	MOVL DX, X0
	VBROADCASTSS X0, Y0
	VMOVAPS Y0, Y2

max2_loop16:
	CMPQ CX, $16
	JLT max2_loop8
	VMOVUPS (SI), Y5
	VMOVUPS 32(SI), Y6
	VMAXPS Y0, Y5, Y0
	VMAXPS Y2, Y6, Y2
	ADDQ $64, SI
	SUBQ $16, CX
	JMP max2_loop16

max2_loop8:
	CMPQ CX, $8
	JLT max2_done
	VMOVUPS (SI), Y5
	VMAXPS Y0, Y5, Y0
	ADDQ $32, SI
	SUBQ $8, CX
	JMP max2_loop8

max2_done:
	VMAXPS Y0, Y2, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X0, X1, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X0, X1, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X0, X1, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func axpyAVX2(alpha float32, x, y []float32)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Y4
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX
	MOVQ y_base+32(FP), DI

axpy2_loop16:
	CMPQ CX, $16
	JLT axpy2_loop8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VFMADD231PS (SI), Y4, Y0
	VFMADD231PS 32(SI), Y4, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP axpy2_loop16

axpy2_loop8:
	CMPQ CX, $8
	JLT axpy2_done
	VMOVUPS (DI), Y0
	VFMADD231PS (SI), Y4, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP axpy2_loop8

axpy2_done:
	VZEROUPPER
	RET

// func scaleAVX2(alpha float32, x []float32)
TEXT ·scaleAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Y4
	MOVQ x_base+8(FP), SI
	MOVQ x_len+16(FP), CX

scale2_loop8:
	CMPQ CX, $8
	JLT scale2_done
	VMULPS (SI), Y4, Y0
	VMOVUPS Y0, (SI)
	ADDQ $32, SI
	SUBQ $8, CX
	JMP scale2_loop8

scale2_done:
	VZEROUPPER
	RET

// BINARY2 defines name(dst, x, y []float32) as dst[i] = x[i] op y[i].
#define BINARY2(name, op) \
TEXT name(SB), NOSPLIT, $0-72; \
	MOVQ dst_base+0(FP), DI; \
	MOVQ dst_len+8(FP), CX; \
	MOVQ x_base+24(FP), SI; \
	MOVQ y_base+48(FP), BX; \
loop8: \
	CMPQ CX, $8; \
	JLT done; \
	VMOVUPS (SI), Y0; \
	op (BX), Y0, Y0; \
	VMOVUPS Y0, (DI); \
	ADDQ $32, SI; \
	ADDQ $32, BX; \
	ADDQ $32, DI; \
	SUBQ $8, CX; \
	JMP loop8; \
done: \
	VZEROUPPER; \
	RET

// func addAVX2(dst, x, y []float32)
BINARY2(·addAVX2, VADDPS)

// func mulAVX2(dst, x, y []float32)
BINARY2(·mulAVX2, VMULPS)
