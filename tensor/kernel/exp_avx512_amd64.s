//go:build !purego

#include "textflag.h"

// Vector exp for AVX-512: clamp x to [-104, 89], n = round(x*log2(e)),
// r = x - n*ln2 (in two parts, exact enough for |r| <= ln2/2),
// exp(r) by its degree-6 Taylor polynomial (error < 2e-7), and the result
// is exp(r)*2^n by VSCALEFPS, which rounds denormals and overflows to +Inf.

DATA expc<>+0(SB)/4, $0xc2d00000  // -104
DATA expc<>+4(SB)/4, $0x42b20000  // 89
DATA expc<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expc<>+12(SB)/4, $0x3f318000 // ln2 high part (0.693359375)
DATA expc<>+16(SB)/4, $0xb95e8083 // ln2 low part (-2.12194440e-4)
DATA expc<>+20(SB)/4, $0x3ab60b61 // 1/720
DATA expc<>+24(SB)/4, $0x3c088889 // 1/120
DATA expc<>+28(SB)/4, $0x3d2aaaab // 1/24
DATA expc<>+32(SB)/4, $0x3e2aaaab // 1/6
DATA expc<>+36(SB)/4, $0x3f000000 // 1/2
DATA expc<>+40(SB)/4, $0x3f800000 // 1
GLOBL expc<>(SB), RODATA|NOPTR, $44

// EXPCONST loads the constants into Z16-Z26.
#define EXPCONST \
	VBROADCASTSS expc<>+0(SB), Z16; \
	VBROADCASTSS expc<>+4(SB), Z17; \
	VBROADCASTSS expc<>+8(SB), Z18; \
	VBROADCASTSS expc<>+12(SB), Z19; \
	VBROADCASTSS expc<>+16(SB), Z20; \
	VBROADCASTSS expc<>+20(SB), Z21; \
	VBROADCASTSS expc<>+24(SB), Z22; \
	VBROADCASTSS expc<>+28(SB), Z23; \
	VBROADCASTSS expc<>+32(SB), Z24; \
	VBROADCASTSS expc<>+36(SB), Z25; \
	VBROADCASTSS expc<>+40(SB), Z26

// EXP sets x = exp(x); clobbers n and p. NaN stays NaN.
#define EXP(x, n, p) \
	VMAXPS x, Z16, x; \
	VMINPS x, Z17, x; \
	VMULPS Z18, x, n; \
	VRNDSCALEPS $0, n, n; \
	VFNMADD231PS Z19, n, x; \
	VFNMADD231PS Z20, n, x; \
	VMOVAPS Z21, p; \
	VFMADD213PS Z22, x, p; \
	VFMADD213PS Z23, x, p; \
	VFMADD213PS Z24, x, p; \
	VFMADD213PS Z25, x, p; \
	VFMADD213PS Z26, x, p; \
	VFMADD213PS Z26, x, p; \
	VSCALEFPS n, p, x

#define TAILMASK(reg) \
	MOVL $1, DX; \
	SHLXL reg, DX, DX; \
	DECL DX; \
	KMOVW DX, K1

// func expShiftAVX512(x []float32, shift float32) float32
// x[i] = exp(x[i]-shift); returns the sum.
TEXT ·expShiftAVX512(SB), NOSPLIT, $0-36
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VBROADCASTSS shift+24(FP), Z5
	EXPCONST
	VPXORD Z6, Z6, Z6
	VPXORD Z13, Z13, Z13

exps_loop32:
	CMPQ CX, $32
	JLT exps_loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z10
	VSUBPS Z5, Z0, Z0
	VSUBPS Z5, Z10, Z10
	EXP(Z0, Z1, Z2)
	EXP(Z10, Z11, Z12)
	VMOVUPS Z0, (SI)
	VMOVUPS Z10, 64(SI)
	VADDPS Z0, Z6, Z6
	VADDPS Z10, Z13, Z13
	ADDQ $128, SI
	SUBQ $32, CX
	JMP exps_loop32

exps_loop16:
	CMPQ CX, $16
	JLT exps_tail
	VMOVUPS (SI), Z0
	VSUBPS Z5, Z0, Z0
	EXP(Z0, Z1, Z2)
	VMOVUPS Z0, (SI)
	VADDPS Z0, Z6, Z6
	ADDQ $64, SI
	SUBQ $16, CX
	JMP exps_loop16

exps_tail:
	TESTQ CX, CX
	JEQ exps_done
	TAILMASK(CX)
	VMOVUPS.Z (SI), K1, Z0
	VSUBPS Z5, Z0, Z0
	EXP(Z0, Z1, Z2)
	VMOVUPS Z0, K1, (SI)
	VADDPS Z0, Z6, K1, Z6

exps_done:
	VADDPS Z13, Z6, Z6
	VEXTRACTF32X8 $1, Z6, Y1
	VADDPS Y1, Y6, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, ret+32(FP)
	VZEROUPPER
	RET

// func siluAVX512(dst, x []float32)
// dst[i] = x[i] / (1 + exp(-x[i])).
TEXT ·siluAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	EXPCONST
	VPXORD Z7, Z7, Z7

silu_loop32:
	CMPQ CX, $32
	JLT silu_loop16
	VMOVUPS (SI), Z5
	VMOVUPS 64(SI), Z15
	VSUBPS Z5, Z7, Z0
	VSUBPS Z15, Z7, Z10
	EXP(Z0, Z1, Z2)
	EXP(Z10, Z11, Z12)
	VADDPS Z26, Z0, Z0
	VADDPS Z26, Z10, Z10
	VDIVPS Z0, Z5, Z0
	VDIVPS Z10, Z15, Z10
	VMOVUPS Z0, (DI)
	VMOVUPS Z10, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP silu_loop32

silu_loop16:
	CMPQ CX, $16
	JLT silu_tail
	VMOVUPS (SI), Z5
	VSUBPS Z5, Z7, Z0
	EXP(Z0, Z1, Z2)
	VADDPS Z26, Z0, Z0
	VDIVPS Z0, Z5, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP silu_loop16

silu_tail:
	TESTQ CX, CX
	JEQ silu_done
	TAILMASK(CX)
	VMOVUPS.Z (SI), K1, Z5
	VSUBPS Z5, Z7, Z0
	EXP(Z0, Z1, Z2)
	VADDPS Z26, Z0, Z0
	VDIVPS Z0, Z5, Z0
	VMOVUPS Z0, K1, (DI)

silu_done:
	VZEROUPPER
	RET
