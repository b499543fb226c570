package safetensors

import "math"

// Float32ToF16 returns the IEEE 754 half-precision bits nearest to f,
// rounding to nearest even. Values beyond the half range become ±Inf,
// values below half its smallest subnormal become ±0, and every NaN becomes
// the quiet NaN 0x7E00 with f's sign.
func Float32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	switch {
	case e >= 0x1f:
		return sign | 0x7c00
	case e <= 0:
		if e < -10 {
			return sign
		}
		// Subnormal: the value in units of 2^-24 is (mant|1<<23) >> (14-e).
		m := mant | 0x800000
		s := uint(14 - e)
		return sign | uint16(roundShift(m, s))
	}
	// Normal: keep 10 mantissa bits; a carry may roll into the exponent
	// and up to Inf, which is the correct rounding.
	return sign | uint16(roundShift(uint32(e)<<23|mant, 13))
}

// roundShift returns v >> s rounded to nearest, ties to even (s >= 1).
func roundShift(v uint32, s uint) uint32 {
	h := v >> s
	rem := v & (1<<s - 1)
	half := uint32(1) << (s - 1)
	if rem > half || (rem == half && h&1 == 1) {
		h++
	}
	return h
}

// F16ToFloat32 returns the float32 value of half-precision bits h
// (exact: every half value is a float32 value).
func F16ToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	e := uint32(h>>10) & 0x1f
	m := uint32(h & 0x3ff)
	switch e {
	case 0:
		v := float32(m) / (1 << 24) // zero or subnormal, exact
		if sign != 0 {
			v = -v
		}
		return v
	case 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | m<<13)
	}
	return math.Float32frombits(sign | (e+112)<<23 | m<<13)
}

// BF16ToFloat32 returns the float32 value of bfloat16 bits h.
func BF16ToFloat32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }
