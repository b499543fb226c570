package nn

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestLRAt(t *testing.T) {
	o := OptimConfig{LR: 1e-3, Warmup: 10, Steps: 110, MinLRFrac: 0.1}
	tests := []struct {
		step int
		want float64
	}{
		{0, 1e-4},    // first warmup step: LR/Warmup
		{9, 1e-3},    // end of warmup
		{10, 1e-3},   // cosine starts at the peak
		{60, 5.5e-4}, // half-way: (peak+min)/2
		{110, 1e-4},  // end: LR·MinLRFrac
		{500, 1e-4},  // past the end stays at the floor
	}
	for _, tt := range tests {
		if got := o.LRAt(tt.step); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("LRAt(%d) = %g; want %g", tt.step, got, tt.want)
		}
	}
}

// TestAdamWStep checks one update against the formula in float64.
func TestAdamWStep(t *testing.T) {
	views := []View{{Name: "w", Shape: []int{2}, Off: 0, Decay: true}, {Name: "g", Shape: []int{1}, Off: 2}}
	p := []float32{0.5, -1, 2}
	g := []float32{0.1, 0.2, -0.3}
	a := NewAdamW(3)
	cfg := OptimConfig{Steps: 1, WeightDecay: 0.1}
	a.Update(p, g, views, cfg, 0.01, 0.5)
	for i, want := range []float64{
		0.5 - 0.01*(1+0.1*0.5), // m̂/(sqrt(v̂)+eps) = sign(g) on the first step
		-1 - 0.01*(1-0.1*1),
		2 + 0.01, // no decay on the gain
	} {
		if math.Abs(float64(p[i])-want) > 1e-6 {
			t.Errorf("param %d = %.7f; want %.7f", i, p[i], want)
		}
	}
}

// TestGoldenLosses trains a fixed-seed model for five steps and compares
// the losses with values recorded on the AVX-512 path; other kernel paths
// round differently, hence the tolerance.
func TestGoldenLosses(t *testing.T) {
	m, _ := NewModel(testConfig, 11)
	rows, _ := Pack(testDocs(rand.New(rand.NewPCG(11, 11)), 30), 32, 0, 64)
	run, err := NewRun(m, nil, rows, TrainConfig{Optim: OptimConfig{LR: 1e-2, Steps: 5, Warmup: 1}, BatchRows: 4, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	if err := run.Train(context.Background(), 5, func(s StepInfo) error { got = append(got, s.Loss); return nil }); err != nil {
		t.Fatal(err)
	}
	want := golden
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-3*want[i] {
			t.Errorf("loss at step %d = %.6f; want %.6f (all: %.6f)", i+1, got[i], want[i], got)
		}
	}
}

// golden was recorded with the avx512 kernel path.
var golden = []float64{4.196000, 3.695438, 3.659044, 3.265403, 3.055031}
