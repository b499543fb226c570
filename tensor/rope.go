package tensor

import (
	"fmt"
	"math"
)

// Rope holds the tables of rotary position embeddings in the
// interleaved-pairs layout: in a head vector x of width hd, the pair
// (x[2i], x[2i+1]) at position p is rotated by the angle p·theta^(-2i/hd):
//
//	x'[2i]   = x[2i]·cos − x[2i+1]·sin
//	x'[2i+1] = x[2i]·sin + x[2i+1]·cos
//
// This is llama.cpp's rope type NORM (LLAMA architecture); Hugging Face
// Llama checkpoints instead rotate halves (x[i], x[i+hd/2]).
type Rope struct {
	HeadDim int     // hd, even
	MaxPos  int     // positions 0..MaxPos-1 are supported
	Theta   float64 // base, e.g. 10000

	cos, sin []float32 // [MaxPos, hd/2]
}

// NewRope builds the tables. It fails for an odd or non-positive head
// width or a non-positive MaxPos or theta.
func NewRope(headDim, maxPos int, theta float64) (*Rope, error) {
	if headDim <= 0 || headDim%2 != 0 || maxPos <= 0 || !(theta > 0) {
		return nil, fmt.Errorf("tensor: rope needs an even head width, positions and theta > 0 (have %d, %d, %g)", headDim, maxPos, theta)
	}
	h := headDim / 2
	r := &Rope{HeadDim: headDim, MaxPos: maxPos, Theta: theta, cos: make([]float32, maxPos*h), sin: make([]float32, maxPos*h)}
	for p := range maxPos {
		for i := range h {
			freq := math.Pow(theta, -float64(2*i)/float64(headDim))
			s, c := math.Sincos(float64(p) * freq)
			r.cos[p*h+i], r.sin[p*h+i] = float32(c), float32(s)
		}
	}
	return r, nil
}

// Rotate writes the rotation of the head vector src at position pos into
// dst (len HeadDim each; dst may be src). With inverse it rotates by the
// negative angle, which is also the backward pass of a rotation.
// pos must be in [0, MaxPos).
func (r *Rope) Rotate(dst, src []float32, pos int, inverse bool) {
	h := r.HeadDim / 2
	cs, sn := r.cos[pos*h:pos*h+h], r.sin[pos*h:pos*h+h]
	src, dst = src[:2*h], dst[:2*h]
	for i := range h {
		c, s := cs[i], sn[i]
		if inverse {
			s = -s
		}
		x0, x1 := src[2*i], src[2*i+1]
		dst[2*i] = x0*c - x1*s
		dst[2*i+1] = x0*s + x1*c
	}
}
