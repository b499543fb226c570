package nn

import (
	"context"
	"math/rand/v2"
	"testing"
)

// benchSizes runs f as a sub-benchmark for the tiny and small sizes, with
// a fresh model of the size and a random source seeded with seed.
func benchSizes(b *testing.B, seed uint64, f func(b *testing.B, cfg Config, m *Model, rng *rand.Rand)) {
	for _, size := range []string{"tiny", "small"} {
		b.Run(size, func(b *testing.B) {
			cfg, _ := SizeConfig(size)
			m, _ := NewModel(cfg, 1)
			f(b, cfg, m, rand.New(rand.NewPCG(seed, seed)))
		})
	}
}

func randIDs(rng *rand.Rand, n, vocab int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(rng.IntN(vocab))
	}
	return ids
}

// BenchmarkTrainStep times one optimiser step of 4096 positions (16 rows
// of 256) for the named sizes; see bench/train for MFU and memory.
func BenchmarkTrainStep(b *testing.B) {
	benchSizes(b, 1, func(b *testing.B, cfg Config, m *Model, rng *rand.Rand) {
		var docs []Doc
		for range 16 {
			d := Doc{Tokens: randIDs(rng, 257, cfg.Vocab), Weights: make([]float32, 257)}
			for i := range d.Weights {
				d.Weights[i] = 1
			}
			docs = append(docs, d)
		}
		rows, _ := Pack(docs, 256, 0, cfg.Vocab)
		run, err := NewRun(m, nil, rows, TrainConfig{Optim: OptimConfig{Steps: 1 << 30}, BatchRows: 16})
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := run.Train(context.Background(), run.Opt.Step+1, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(4096*float64(b.N)/b.Elapsed().Seconds(), "tok/s")
	})
}

// BenchmarkScore times scoring 64 four-choice items (24-token prompts,
// 4-token choices) with the tiny and small sizes.
func BenchmarkScore(b *testing.B) {
	benchSizes(b, 2, func(b *testing.B, cfg Config, m *Model, rng *rand.Rand) {
		var items []ScoreItem
		for range 64 {
			it := ScoreItem{Prompt: randIDs(rng, 24, cfg.Vocab)}
			for range 4 {
				it.Conts = append(it.Conts, randIDs(rng, 4, cfg.Vocab))
			}
			items = append(items, it)
		}
		for b.Loop() {
			if _, err := m.ScoreTokens(context.Background(), items, 0); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(64*40*float64(b.N)/b.Elapsed().Seconds(), "tok/s")
	})
}
