package main

import "fmt"

// isa is one vector width for the vector kernels. With AVX-512 the kernels
// finish the n%16 tail with one masked vector; the AVX2 kernels stop at
// len&^7 and leave the tail to their Go wrappers.
type isa struct {
	suffix string // function name suffix
	reg    string // "Z" or "Y"
	lanes  int
}

var (
	avx512 = isa{"AVX512", "Z", 16}
	avx2   = isa{"AVX2", "Y", 8}
)

func (v isa) r(i int) string { return fmt.Sprintf("%s%d", v.reg, i) }
func (v isa) bytes() int     { return v.lanes * 4 }
func (v isa) masked() bool   { return v.reg == "Z" }

func (g *gen) zero(v isa, i int) {
	if v.masked() {
		g.l("VPXORD %s, %s, %s", v.r(i), v.r(i), v.r(i))
	} else {
		g.l("VXORPS %s, %s, %s", v.r(i), v.r(i), v.r(i))
	}
}

// text starts a function; args is its Go signature after the name.
func (g *gen) text(v isa, name, args string, frame int) string {
	full := name + v.suffix
	fmt.Fprintf(&g.Buffer, "\n// func %s%s\n", full, args)
	fmt.Fprintf(&g.Buffer, "TEXT ·%s(SB), NOSPLIT, $0-%d\n", full, frame)
	return full
}

// loops emits the main loops of a kernel over CX elements: for each
// unroll factor u (in vectors, decreasing), a loop that runs body(u) while
// at least u vectors remain; then, for masked ISAs, tail() on the rest
// with the mask in K1. It ends at the label name_done.
func (g *gen) loops(v isa, name string, unrolls []int, body func(u int), tail func()) {
	for i, u := range unrolls {
		next := name + "_done"
		if i+1 < len(unrolls) {
			next = fmt.Sprintf("%s_loop%d", name, unrolls[i+1])
		} else if v.masked() {
			next = name + "_tail"
		}
		label := fmt.Sprintf("%s_loop%d", name, u)
		g.label(label)
		g.l("CMPQ CX, $%d", u*v.lanes)
		g.l("JLT %s", next)
		body(u)
		g.l("SUBQ $%d, CX", u*v.lanes)
		g.l("JMP %s", label)
	}
	if v.masked() {
		g.label(name + "_tail")
		g.l("TESTQ CX, CX")
		g.l("JEQ %s_done", name)
		g.l("MOVL $1, DX")
		g.l("SHLXL CX, DX, DX")
		g.l("DECL DX")
		g.l("KMOVW DX, K1")
		tail()
	}
	g.label(name + "_done")
}

// hsum leaves the sum of the lanes of register 0 in X0; clobbers 1.
func (g *gen) hsum(v isa) {
	if v.masked() {
		g.l("VEXTRACTF32X8 $1, Z0, Y1")
		g.l("VADDPS Y1, Y0, Y0")
	}
	g.l("VEXTRACTF128 $1, Y0, X1")
	g.l("VADDPS X1, X0, X0")
	g.l("VHADDPS X0, X0, X0")
	g.l("VHADDPS X0, X0, X0")
}

// reduce emits dot (two inputs, FMA) or sum (one input, add) with four
// accumulators (registers 0, 2, 3, 4).
func (g *gen) reduce(v isa, dot bool) {
	name, args, frame, ret := "sum", "(x []float32) float32", 28, 24
	if dot {
		name, args, frame, ret = "dot", "(x, y []float32) float32", 52, 48
	}
	full := g.text(v, name, args, frame)
	g.l("MOVQ x_base+0(FP), SI")
	if dot {
		g.l("MOVQ y_base+24(FP), DI")
	}
	g.l("MOVQ x_len+8(FP), CX")
	accs := []int{0, 2, 3, 4}
	for _, a := range accs {
		g.zero(v, a)
	}
	step := func(off, acc, tmp int) {
		if !dot {
			g.l("VADDPS %d(SI), %s, %s", off, v.r(acc), v.r(acc))
			return
		}
		g.l("VMOVUPS %d(SI), %s", off, v.r(tmp))
		g.l("VFMADD231PS %d(DI), %s, %s", off, v.r(tmp), v.r(acc))
	}
	g.loops(v, full, []int{4, 1}, func(u int) {
		for i := 0; i < u; i++ {
			step(i*v.bytes(), accs[i], 5+i)
		}
		g.l("ADDQ $%d, SI", u*v.bytes())
		if dot {
			g.l("ADDQ $%d, DI", u*v.bytes())
		}
	}, func() {
		g.l("VMOVUPS.Z (SI), K1, Z5")
		if dot {
			g.l("VMOVUPS.Z (DI), K1, Z6")
			g.l("VFMADD231PS Z6, Z5, Z2")
		} else {
			g.l("VADDPS Z5, Z2, Z2")
		}
	})
	g.l("VADDPS %s, %s, %s", v.r(2), v.r(0), v.r(0))
	g.l("VADDPS %s, %s, %s", v.r(4), v.r(3), v.r(3))
	g.l("VADDPS %s, %s, %s", v.r(3), v.r(0), v.r(0))
	g.hsum(v)
	g.l("VMOVSS X0, ret+%d(FP)", ret)
	g.l("VZEROUPPER")
	g.l("RET")
}

// max emits the maximum with two accumulators starting at -Inf. VMAXPS
// returns its second source when either is NaN, so putting the running
// maximum second skips NaNs.
func (g *gen) max(v isa) {
	full := g.text(v, "max", "(x []float32) float32", 28)
	g.WriteString("// NaNs are skipped; the result is -Inf when there is nothing else.\n")
	g.l("MOVQ x_base+0(FP), SI")
	g.l("MOVQ x_len+8(FP), CX")
	g.l("MOVL $0xff800000, DX")
	if v.masked() {
		g.l("VPBROADCASTD DX, Z0")
		g.l("VMOVAPS Z0, Z9")
	} else {
		g.l("MOVL DX, X0")
		g.l("VBROADCASTSS X0, Y0")
	}
	g.l("VMOVAPS %s, %s", v.r(0), v.r(2))
	accs := []int{0, 2}
	g.loops(v, full, []int{2, 1}, func(u int) {
		for i := 0; i < u; i++ {
			g.l("VMOVUPS %d(SI), %s", i*v.bytes(), v.r(5+i))
			g.l("VMAXPS %s, %s, %s", v.r(accs[i]), v.r(5+i), v.r(accs[i]))
		}
		g.l("ADDQ $%d, SI", u*v.bytes())
	}, func() {
		g.l("VMOVAPS Z9, Z5") // -Inf where the mask is off
		g.l("VMOVUPS (SI), K1, Z5")
		g.l("VMAXPS Z0, Z5, Z0")
	})
	g.l("VMAXPS %s, %s, %s", v.r(0), v.r(2), v.r(0))
	if v.masked() {
		g.l("VEXTRACTF32X8 $1, Z0, Y1")
		g.l("VMAXPS Y0, Y1, Y0")
	}
	g.l("VEXTRACTF128 $1, Y0, X1")
	g.l("VMAXPS X0, X1, X0")
	g.l("VPERMILPS $0x4e, X0, X1")
	g.l("VMAXPS X0, X1, X0")
	g.l("VPERMILPS $0xb1, X0, X1")
	g.l("VMAXPS X0, X1, X0")
	g.l("VMOVSS X0, ret+24(FP)")
	g.l("VZEROUPPER")
	g.l("RET")
}

// axpy emits y += alpha*x, two vectors per step.
func (g *gen) axpy(v isa) {
	full := g.text(v, "axpy", "(alpha float32, x, y []float32)", 56)
	g.l("VBROADCASTSS alpha+0(FP), %s", v.r(4))
	g.l("MOVQ x_base+8(FP), SI")
	g.l("MOVQ x_len+16(FP), CX")
	g.l("MOVQ y_base+32(FP), DI")
	g.loops(v, full, []int{2, 1}, func(u int) {
		for i := 0; i < u; i++ {
			g.l("VMOVUPS %d(DI), %s", i*v.bytes(), v.r(i))
		}
		for i := 0; i < u; i++ {
			g.l("VFMADD231PS %d(SI), %s, %s", i*v.bytes(), v.r(4), v.r(i))
		}
		for i := 0; i < u; i++ {
			g.l("VMOVUPS %s, %d(DI)", v.r(i), i*v.bytes())
		}
		g.l("ADDQ $%d, SI", u*v.bytes())
		g.l("ADDQ $%d, DI", u*v.bytes())
	}, func() {
		g.l("VMOVUPS.Z (DI), K1, Z0")
		g.l("VMOVUPS.Z (SI), K1, Z1")
		g.l("VFMADD231PS Z1, Z4, Z0")
		g.l("VMOVUPS Z0, K1, (DI)")
	})
	g.l("VZEROUPPER")
	g.l("RET")
}

// scale emits x *= alpha.
func (g *gen) scale(v isa) {
	full := g.text(v, "scale", "(alpha float32, x []float32)", 32)
	g.l("VBROADCASTSS alpha+0(FP), %s", v.r(4))
	g.l("MOVQ x_base+8(FP), SI")
	g.l("MOVQ x_len+16(FP), CX")
	g.loops(v, full, []int{1}, func(int) {
		g.l("VMULPS (SI), %s, %s", v.r(4), v.r(0))
		g.l("VMOVUPS %s, (SI)", v.r(0))
		g.l("ADDQ $%d, SI", v.bytes())
	}, func() {
		g.l("VMOVUPS.Z (SI), K1, Z0")
		g.l("VMULPS Z0, Z4, Z0")
		g.l("VMOVUPS Z0, K1, (SI)")
	})
	g.l("VZEROUPPER")
	g.l("RET")
}

// binary emits dst = x op y for op VADDPS or VMULPS.
func (g *gen) binary(v isa, name, op string) {
	full := g.text(v, name, "(dst, x, y []float32)", 72)
	g.l("MOVQ dst_base+0(FP), DI")
	g.l("MOVQ dst_len+8(FP), CX")
	g.l("MOVQ x_base+24(FP), SI")
	g.l("MOVQ y_base+48(FP), BX")
	g.loops(v, full, []int{1}, func(int) {
		g.l("VMOVUPS (SI), %s", v.r(0))
		g.l("%s (BX), %s, %s", op, v.r(0), v.r(0))
		g.l("VMOVUPS %s, (DI)", v.r(0))
		g.l("ADDQ $%d, SI", v.bytes())
		g.l("ADDQ $%d, BX", v.bytes())
		g.l("ADDQ $%d, DI", v.bytes())
	}, func() {
		g.l("VMOVUPS.Z (SI), K1, Z0")
		g.l("VMOVUPS.Z (BX), K1, Z1")
		g.l("%s Z1, Z0, Z0", op)
		g.l("VMOVUPS Z0, K1, (DI)")
	})
	g.l("VZEROUPPER")
	g.l("RET")
}

// expConsts are the constants of the vector exp: clamp x to [-104, 89],
// n = round(x*log2(e)), r = x - n*ln2 in two parts, exp(r) by its
// degree-6 Taylor polynomial (error below 2e-7 for |r| <= ln2/2), times
// 2^n. With AVX-512, VSCALEFPS applies 2^n and rounds underflow to
// denormals and overflow to +Inf; AVX2 applies 2^(n>>1) and then
// 2^(n-(n>>1)), two normal powers of two, to the same effect.
var expConsts = []struct {
	bits    uint32
	comment string
}{
	{0xc2d00000, "-104"},
	{0x42b20000, "89"},
	{0x3fb8aa3b, "log2(e)"},
	{0x3f318000, "ln2 high part (0.693359375)"},
	{0xb95e8083, "ln2 low part (-2.12194440e-4)"},
	{0x3ab60b61, "1/720"},
	{0x3c088889, "1/120"},
	{0x3d2aaaab, "1/24"},
	{0x3e2aaaab, "1/6"},
	{0x3f000000, "1/2"},
	{0x3f800000, "1"},
	{127, "exponent bias (AVX2)"},
}

// expData emits the constants, and for AVX2, whose 16 registers cannot
// hold them all, the middle Taylor coefficients as whole vectors too.
func (g *gen) expData(v isa) {
	sym := "expc" + v.suffix
	g.WriteString("\n")
	for i, c := range expConsts {
		fmt.Fprintf(&g.Buffer, "DATA %s<>+%d(SB)/4, $0x%08x // %s\n", sym, 4*i, c.bits, c.comment)
	}
	fmt.Fprintf(&g.Buffer, "GLOBL %s<>(SB), RODATA|NOPTR, $%d\n", sym, 4*len(expConsts))
	if v.masked() {
		return
	}
	g.WriteString("\n")
	off := 0
	for _, c := range expConsts[6:10] {
		for i := 0; i < v.lanes; i++ {
			fmt.Fprintf(&g.Buffer, "DATA expvAVX2<>+%d(SB)/4, $0x%08x\n", off, c.bits)
			off += 4
		}
	}
	fmt.Fprintf(&g.Buffer, "GLOBL expvAVX2<>(SB), RODATA|NOPTR, $%d\n", off)
}

// expLoad loads the constants: AVX-512 all eleven into Z16-Z26; AVX2
// clamp, log2(e), ln2, 1/720, 1 and the bias into Y8-Y15.
func (g *gen) expLoad(v isa) {
	sym := "expc" + v.suffix
	if v.masked() {
		for i := 0; i < 11; i++ {
			g.l("VBROADCASTSS %s<>+%d(SB), Z%d", sym, 4*i, 16+i)
		}
		return
	}
	for i, c := range []int{0, 1, 2, 3, 4, 5, 10} {
		g.l("VBROADCASTSS %s<>+%d(SB), Y%d", sym, 4*c, 8+i)
	}
	g.l("VPBROADCASTD %s<>+%d(SB), Y15", sym, 4*11)
}

// exp emits x = exp(x) in registers x, n, p (and t for AVX2). NaN stays
// NaN: the clamps return their second source, x, when it is NaN.
func (g *gen) exp(v isa, x, n, p, t int) {
	X, N, P := v.r(x), v.r(n), v.r(p)
	if v.masked() {
		g.l("VMAXPS %s, Z16, %s", X, X)
		g.l("VMINPS %s, Z17, %s", X, X)
		g.l("VMULPS Z18, %s, %s", X, N)
		g.l("VRNDSCALEPS $0, %s, %s", N, N)
		g.l("VFNMADD231PS Z19, %s, %s", N, X)
		g.l("VFNMADD231PS Z20, %s, %s", N, X)
		g.l("VMOVAPS Z21, %s", P)
		for c := 22; c <= 25; c++ {
			g.l("VFMADD213PS Z%d, %s, %s", c, X, P)
		}
		g.l("VFMADD213PS Z26, %s, %s", X, P)
		g.l("VFMADD213PS Z26, %s, %s", X, P)
		g.l("VSCALEFPS %s, %s, %s", N, P, X)
		return
	}
	T := v.r(t)
	g.l("VMAXPS %s, Y8, %s", X, X)
	g.l("VMINPS %s, Y9, %s", X, X)
	g.l("VMULPS Y10, %s, %s", X, N)
	g.l("VROUNDPS $0, %s, %s", N, N)
	g.l("VFNMADD231PS Y11, %s, %s", N, X)
	g.l("VFNMADD231PS Y12, %s, %s", N, X)
	g.l("VMOVAPS Y13, %s", P)
	for i := 0; i < 4; i++ {
		g.l("VFMADD213PS expvAVX2<>+%d(SB), %s, %s", 32*i, X, P)
	}
	g.l("VFMADD213PS Y14, %s, %s", X, P)
	g.l("VFMADD213PS Y14, %s, %s", X, P)
	g.l("VCVTPS2DQ %s, %s", N, N)
	g.l("VPSRAD $1, %s, %s", N, T)
	g.l("VPSUBD %s, %s, %s", T, N, N)
	for _, r := range []string{T, N} {
		g.l("VPADDD Y15, %s, %s", r, r)
		g.l("VPSLLD $23, %s, %s", r, r)
	}
	g.l("VMULPS %s, %s, %s", T, P, P)
	g.l("VMULPS %s, %s, %s", N, P, X)
}

// one returns the register holding 1.0.
func (v isa) one() string {
	if v.masked() {
		return "Z26"
	}
	return "Y14"
}

// expShift emits x[i] = exp(x[i]-shift), returning the sum: two vectors
// per step with AVX-512, one with AVX2 (registers run out).
func (g *gen) expShift(v isa) {
	full := g.text(v, "expShift", "(x []float32, shift float32) float32", 36)
	g.l("MOVQ x_base+0(FP), SI")
	g.l("MOVQ x_len+8(FP), CX")
	g.l("VBROADCASTSS shift+24(FP), %s", v.r(5))
	g.expLoad(v)
	g.zero(v, 6)
	unrolls := []int{1}
	if v.masked() {
		g.zero(v, 13)
		unrolls = []int{2, 1}
	}
	sets := [][4]int{{0, 1, 2, 3}, {10, 11, 12, 0}}
	sums := []int{6, 13}
	g.loops(v, full, unrolls, func(u int) {
		for i := 0; i < u; i++ {
			g.l("VMOVUPS %d(SI), %s", i*v.bytes(), v.r(sets[i][0]))
			g.l("VSUBPS %s, %s, %s", v.r(5), v.r(sets[i][0]), v.r(sets[i][0]))
		}
		for i := 0; i < u; i++ {
			s := sets[i]
			g.exp(v, s[0], s[1], s[2], s[3])
		}
		for i := 0; i < u; i++ {
			g.l("VMOVUPS %s, %d(SI)", v.r(sets[i][0]), i*v.bytes())
			g.l("VADDPS %s, %s, %s", v.r(sets[i][0]), v.r(sums[i]), v.r(sums[i]))
		}
		g.l("ADDQ $%d, SI", u*v.bytes())
	}, func() {
		g.l("VMOVUPS.Z (SI), K1, Z0")
		g.l("VSUBPS Z5, Z0, Z0")
		g.exp(v, 0, 1, 2, 3)
		g.l("VMOVUPS Z0, K1, (SI)")
		g.l("VADDPS Z0, Z6, K1, Z6")
	})
	if v.masked() {
		g.l("VADDPS Z13, Z6, Z6")
		g.l("VEXTRACTF32X8 $1, Z6, Y1")
		g.l("VADDPS Y1, Y6, Y6")
	}
	g.l("VEXTRACTF128 $1, Y6, X1")
	g.l("VADDPS X1, X6, X0")
	g.l("VHADDPS X0, X0, X0")
	g.l("VHADDPS X0, X0, X0")
	g.l("VMOVSS X0, ret+32(FP)")
	g.l("VZEROUPPER")
	g.l("RET")
}

// silu emits dst[i] = x[i] / (1 + exp(-x[i])).
func (g *gen) silu(v isa) {
	full := g.text(v, "silu", "(dst, x []float32)", 48)
	g.l("MOVQ dst_base+0(FP), DI")
	g.l("MOVQ dst_len+8(FP), CX")
	g.l("MOVQ x_base+24(FP), SI")
	g.expLoad(v)
	g.zero(v, 7)
	unrolls := []int{1}
	if v.masked() {
		unrolls = []int{2, 1}
	}
	// Per vector: input, exp argument and result, and exp's temporaries.
	sets := [][5]int{{5, 0, 1, 2, 3}, {15, 10, 11, 12, 0}}
	if !v.masked() {
		sets[0] = [5]int{4, 0, 1, 2, 3}
	}
	g.loops(v, full, unrolls, func(u int) {
		for i := 0; i < u; i++ {
			g.l("VMOVUPS %d(SI), %s", i*v.bytes(), v.r(sets[i][0]))
			g.l("VSUBPS %s, %s, %s", v.r(sets[i][0]), v.r(7), v.r(sets[i][1]))
		}
		for i := 0; i < u; i++ {
			s := sets[i]
			g.exp(v, s[1], s[2], s[3], s[4])
		}
		for i := 0; i < u; i++ {
			s := sets[i]
			g.l("VADDPS %s, %s, %s", v.one(), v.r(s[1]), v.r(s[1]))
			g.l("VDIVPS %s, %s, %s", v.r(s[1]), v.r(s[0]), v.r(s[1]))
			g.l("VMOVUPS %s, %d(DI)", v.r(s[1]), i*v.bytes())
		}
		g.l("ADDQ $%d, SI", u*v.bytes())
		g.l("ADDQ $%d, DI", u*v.bytes())
	}, func() {
		g.l("VMOVUPS.Z (SI), K1, Z5")
		g.l("VSUBPS Z5, Z7, Z0")
		g.exp(v, 0, 1, 2, 3)
		g.l("VADDPS Z26, Z0, Z0")
		g.l("VDIVPS Z0, Z5, Z0")
		g.l("VMOVUPS Z0, K1, (DI)")
	})
	g.l("VZEROUPPER")
	g.l("RET")
}

// vectorKernels emits every vector kernel for one ISA.
func (g *gen) vectorKernels(v isa) {
	if v.masked() {
		g.WriteString("\n// AVX-512 vector kernels: whole vectors, then one masked vector for\n// the n%16 tail.\n")
	} else {
		g.WriteString("\n// AVX2 vector kernels over the first len&^7 elements; the Go wrappers\n// in vec_amd64.go finish the tail.\n")
	}
	g.expData(v)
	g.reduce(v, true)
	g.reduce(v, false)
	g.max(v)
	g.axpy(v)
	g.scale(v)
	g.binary(v, "add", "VADDPS")
	g.binary(v, "mul", "VMULPS")
	g.expShift(v)
	g.silu(v)
}
