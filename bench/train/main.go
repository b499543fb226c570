// Command train benchmarks the built-in model's engine and prints a
// markdown table: training throughput (tokens/s) and model FLOP
// utilisation for the named sizes at a given sequence length, scoring
// throughput, and memory.
//
// FLOPs per trained token are 6·P + 12·L·D·T (P parameters with the tied
// embedding counted once, L layers, width D, sequence length T; the
// attention term counts the full T×T score matrix, as nanoGPT and PaLM
// do). MFU divides achieved FLOP/s by kernel.PeakGFLOPS measured just
// before each run. On a shared machine both are noisy; the CPU-time
// columns divide by the CPU seconds the process got (over GOMAXPROCS)
// instead of wall time, which estimates an idle machine, and compare with
// the nominal 480 GFLOP/s of two AVX-512 cores. Random token ids are
// used: throughput does not depend on the data. -doc packs shorter
// documents (many attention segments per row).
//
// Usage:
//
//	go run ./bench/train [-sizes tiny,small,base] [-seq 256] [-batch 4096] [-steps 5]
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tensor/kernel"
)

func main() {
	sizes := flag.String("sizes", "tiny,small,base", "comma-separated model sizes")
	seq := flag.Int("seq", 256, "sequence length")
	batch := flag.Int("batch", 4096, "tokens per optimiser step")
	micro := flag.Int("micro", 4096, "tokens per forward/backward pass")
	steps := flag.Int("steps", 5, "timed steps (after one warm-up step)")
	docLen := flag.Int("doc", 0, "document length for packing (0: one document per row)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed steps to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "train bench:", err)
			os.Exit(1)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "train bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(strings.Split(*sizes, ","), *seq, *batch, *micro, *steps, *docLen); err != nil {
		fmt.Fprintln(os.Stderr, "train bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(sizes []string, seq, batch, micro, steps, docLen int) error {
	fmt.Printf("kernel path %s, GOMAXPROCS %d, seq %d, batch %d tokens, micro %d tokens\n\n",
		kernel.Path(), runtime.GOMAXPROCS(0), seq, batch, micro)
	fmt.Println("| size | params | train tok/s | GFLOP/s | peak GFLOP/s | MFU | CPU-time tok/s | CPU-time MFU vs 480 | score tok/s | arena MiB | max RSS MiB |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, name := range sizes {
		cfg, err := nn.SizeConfig(name)
		if err != nil {
			return err
		}
		cfg.MaxSeq = max(cfg.MaxSeq, seq)
		r, err := benchSize(cfg, seq, batch, micro, steps, docLen)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Printf("| %s | %.2fM | %.0f | %.1f | %.0f | %.1f%% | %.0f | %.1f%% | %.0f | %.0f | %.0f |\n",
			name, float64(cfg.NumParams())/1e6, r.tokPerSec, r.gflops, r.peak, 100*r.gflops/r.peak,
			r.cpuTokPerSec, 100*r.cpuTokPerSec*r.flopsPerTok/480e9,
			r.scoreTokPerSec, float64(r.arena)/(1<<20), maxRSSMiB())
	}
	return nil
}

type result struct {
	tokPerSec, gflops, peak, scoreTokPerSec float64
	// cpuTokPerSec is tokens per (CPU seconds / GOMAXPROCS): what an
	// otherwise idle machine would give, when other processes share it.
	cpuTokPerSec, flopsPerTok float64
	arena                     int64
}

func benchSize(cfg nn.Config, seq, batch, micro, steps, docLen int) (result, error) {
	m, err := nn.NewModel(cfg, 1)
	if err != nil {
		return result{}, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if docLen <= 0 {
		docLen = seq + 1
	}
	var docs []nn.Doc
	for len(docs)*(docLen-1) < (steps+1)*batch {
		d := nn.Doc{Tokens: make([]int32, docLen), Weights: make([]float32, docLen)}
		for i := range d.Tokens {
			d.Tokens[i], d.Weights[i] = int32(rng.IntN(cfg.Vocab)), 1
		}
		docs = append(docs, d)
	}
	rows, err := nn.Pack(docs, seq, 0, cfg.Vocab)
	if err != nil {
		return result{}, err
	}
	tc := nn.TrainConfig{Optim: nn.OptimConfig{Steps: steps + 1}, BatchRows: batch / seq, MicroRows: micro / seq, Seed: 1}
	run, err := nn.NewRun(m, nil, rows, tc)
	if err != nil {
		return result{}, err
	}
	ctx := context.Background()
	if err := run.Train(ctx, 1, nil); err != nil { // warm-up
		return result{}, err
	}
	peak := kernel.PeakGFLOPS(0, 200*time.Millisecond)
	var tokens int
	cpu0 := cpuSeconds()
	start := time.Now()
	err = run.Train(ctx, steps+1, func(s nn.StepInfo) error { tokens += s.Tokens; return nil })
	if err != nil {
		return result{}, err
	}
	sec := time.Since(start).Seconds()
	cpu := cpuSeconds() - cpu0
	flopsPerTok := 6*float64(cfg.NumParams()) + 12*float64(cfg.Layers*cfg.Dim*seq)
	r := result{tokPerSec: float64(tokens) / sec, peak: peak, arena: run.ArenaBytes(), flopsPerTok: flopsPerTok,
		cpuTokPerSec: float64(tokens) / (cpu / float64(runtime.GOMAXPROCS(0)))}
	r.gflops = r.tokPerSec * flopsPerTok / 1e9

	// Scoring: 4-choice items with 24-token prompts and 4-token answers.
	var items []nn.ScoreItem
	scored := 0
	for range 256 {
		it := nn.ScoreItem{Prompt: randIDs(rng, 24, cfg.Vocab)}
		for range 4 {
			it.Conts = append(it.Conts, randIDs(rng, 4, cfg.Vocab))
		}
		items = append(items, it)
		scored += 24 + 16
	}
	start = time.Now()
	if _, err := m.ScoreTokens(ctx, items, 0); err != nil {
		return result{}, err
	}
	r.scoreTokPerSec = float64(scored) / time.Since(start).Seconds()
	return r, nil
}

func randIDs(rng *rand.Rand, n, vocab int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(rng.IntN(vocab))
	}
	return ids
}

// cpuSeconds is the process's user plus system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// maxRSSMiB is the process's peak resident memory so far.
func maxRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}
