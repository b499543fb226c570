//go:build !purego

#include "textflag.h"

// Vector exp for AVX2, as in exp_avx512_amd64.s but without VSCALEFPS:
// 2^n is applied as 2^(n>>1) * 2^(n-(n>>1)), two normal powers of two,
// so results that underflow to denormals or overflow to +Inf round as a
// single scaling would. The kernels cover len(x)&^7 elements; the Go
// wrappers finish the tail.

DATA expc2<>+0(SB)/4, $0xc2d00000  // -104
DATA expc2<>+4(SB)/4, $0x42b20000  // 89
DATA expc2<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expc2<>+12(SB)/4, $0x3f318000 // ln2 high part
DATA expc2<>+16(SB)/4, $0xb95e8083 // ln2 low part
DATA expc2<>+20(SB)/4, $0x3ab60b61 // 1/720
DATA expc2<>+24(SB)/4, $0x3f800000 // 1
DATA expc2<>+28(SB)/4, $127        // exponent bias
GLOBL expc2<>(SB), RODATA|NOPTR, $32

// The middle Taylor coefficients as whole vectors, for memory operands.
DATA expv2<>+0(SB)/4, $0x3c088889 // 1/120
DATA expv2<>+4(SB)/4, $0x3c088889
DATA expv2<>+8(SB)/4, $0x3c088889
DATA expv2<>+12(SB)/4, $0x3c088889
DATA expv2<>+16(SB)/4, $0x3c088889
DATA expv2<>+20(SB)/4, $0x3c088889
DATA expv2<>+24(SB)/4, $0x3c088889
DATA expv2<>+28(SB)/4, $0x3c088889
DATA expv2<>+32(SB)/4, $0x3d2aaaab // 1/24
DATA expv2<>+36(SB)/4, $0x3d2aaaab
DATA expv2<>+40(SB)/4, $0x3d2aaaab
DATA expv2<>+44(SB)/4, $0x3d2aaaab
DATA expv2<>+48(SB)/4, $0x3d2aaaab
DATA expv2<>+52(SB)/4, $0x3d2aaaab
DATA expv2<>+56(SB)/4, $0x3d2aaaab
DATA expv2<>+60(SB)/4, $0x3d2aaaab
DATA expv2<>+64(SB)/4, $0x3e2aaaab // 1/6
DATA expv2<>+68(SB)/4, $0x3e2aaaab
DATA expv2<>+72(SB)/4, $0x3e2aaaab
DATA expv2<>+76(SB)/4, $0x3e2aaaab
DATA expv2<>+80(SB)/4, $0x3e2aaaab
DATA expv2<>+84(SB)/4, $0x3e2aaaab
DATA expv2<>+88(SB)/4, $0x3e2aaaab
DATA expv2<>+92(SB)/4, $0x3e2aaaab
DATA expv2<>+96(SB)/4, $0x3f000000 // 1/2
DATA expv2<>+100(SB)/4, $0x3f000000
DATA expv2<>+104(SB)/4, $0x3f000000
DATA expv2<>+108(SB)/4, $0x3f000000
DATA expv2<>+112(SB)/4, $0x3f000000
DATA expv2<>+116(SB)/4, $0x3f000000
DATA expv2<>+120(SB)/4, $0x3f000000
DATA expv2<>+124(SB)/4, $0x3f000000
GLOBL expv2<>(SB), RODATA|NOPTR, $128

// EXPCONST2 loads the constants into Y8-Y15.
#define EXPCONST2 \
	VBROADCASTSS expc2<>+0(SB), Y8; \
	VBROADCASTSS expc2<>+4(SB), Y9; \
	VBROADCASTSS expc2<>+8(SB), Y10; \
	VBROADCASTSS expc2<>+12(SB), Y11; \
	VBROADCASTSS expc2<>+16(SB), Y12; \
	VBROADCASTSS expc2<>+20(SB), Y13; \
	VBROADCASTSS expc2<>+24(SB), Y14; \
	VPBROADCASTD expc2<>+28(SB), Y15

// EXP2 sets Y0 = exp(Y0); clobbers Y1-Y3. NaN stays NaN.
#define EXP2 \
	VMAXPS Y0, Y8, Y0; \
	VMINPS Y0, Y9, Y0; \
	VMULPS Y10, Y0, Y1; \
	VROUNDPS $0, Y1, Y1; \
	VFNMADD231PS Y11, Y1, Y0; \
	VFNMADD231PS Y12, Y1, Y0; \
	VMOVAPS Y13, Y2; \
	VFMADD213PS expv2<>+0(SB), Y0, Y2; \
	VFMADD213PS expv2<>+32(SB), Y0, Y2; \
	VFMADD213PS expv2<>+64(SB), Y0, Y2; \
	VFMADD213PS expv2<>+96(SB), Y0, Y2; \
	VFMADD213PS Y14, Y0, Y2; \
	VFMADD213PS Y14, Y0, Y2; \
	VCVTPS2DQ Y1, Y1; \
	VPSRAD $1, Y1, Y3; \
	VPSUBD Y3, Y1, Y1; \
	VPADDD Y15, Y3, Y3; \
	VPSLLD $23, Y3, Y3; \
	VPADDD Y15, Y1, Y1; \
	VPSLLD $23, Y1, Y1; \
	VMULPS Y3, Y2, Y2; \
	VMULPS Y1, Y2, Y0

// func expShiftAVX2(x []float32, shift float32) float32
// x[i] = exp(x[i]-shift); returns the sum.
TEXT ·expShiftAVX2(SB), NOSPLIT, $0-36
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VBROADCASTSS shift+24(FP), Y5
	EXPCONST2
	VXORPS Y6, Y6, Y6

exps2_loop8:
	CMPQ CX, $8
	JLT exps2_done
	VMOVUPS (SI), Y0
	VSUBPS Y5, Y0, Y0
	EXP2
	VMOVUPS Y0, (SI)
	VADDPS Y0, Y6, Y6
	ADDQ $32, SI
	SUBQ $8, CX
	JMP exps2_loop8

exps2_done:
	VEXTRACTF128 $1, Y6, X1
	VADDPS X1, X6, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, ret+32(FP)
	VZEROUPPER
	RET

// func siluAVX2(dst, x []float32)
// dst[i] = x[i] / (1 + exp(-x[i])).
TEXT ·siluAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	EXPCONST2
	VXORPS Y5, Y5, Y5

silu2_loop8:
	CMPQ CX, $8
	JLT silu2_done
	VMOVUPS (SI), Y4
	VSUBPS Y4, Y5, Y0
	EXP2
	VADDPS Y14, Y0, Y0
	VDIVPS Y0, Y4, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JMP silu2_loop8

silu2_done:
	VZEROUPPER
	RET
