package tensor

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkAttention times forward+backward of Attention over 2048 tokens
// packed in segments of various lengths (4 heads of 32).
func BenchmarkAttention(b *testing.B) {
	for _, segLen := range []int{16, 64, 256} {
		b.Run(fmt.Sprintf("seg%d", segLen), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			n := 2048
			x := param(rng, 1, n, 3*4*32)
			rope, _ := NewRope(32, 256, 10000)
			var segs []Segment
			for s := 0; s < n; s += segLen {
				segs = append(segs, Segment{s, segLen})
			}
			spec := AttnSpec{Heads: 4, KVHeads: 4, HeadDim: 32, Rope: rope, Segments: segs}
			dy := make([]float32, n*4*32)
			tp := NewTape()
			for b.Loop() {
				tp.Reset()
				y := tp.Attention(x, spec)
				if err := tp.BackwardFrom(y, dy); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
