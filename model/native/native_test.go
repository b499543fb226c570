package native

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/nn"
)

// testCfg is a small architecture for checkpoint tests.
var testCfg = nn.Config{Vocab: 300, Dim: 32, Layers: 2, Heads: 2, FFN: 64, MaxSeq: 64}

var testTexts = []string{
	"The capital of Chad is N'Djamena.",
	"The capital of France is Paris.",
	"The capital of Peru is Lima.",
	"Rivers flow into the sea and the sea is salty.",
}

func pretrainSmall(t *testing.T, out string, steps int) model.Ref {
	t.Helper()
	cfg := testCfg
	ref, err := Pretrain(context.Background(), testTexts,
		[]model.Example{{ID: "q1", Kind: "normative", Prompt: "What is the capital of Chad?", Text: "N'Djamena"}},
		PretrainOptions{Config: &cfg, Train: Options{Steps: steps, BatchTokens: 128, SeqLen: 64, LR: 3e-3, Out: out}})
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ref := pretrainSmall(t, filepath.Join(dir, "m"), 5)
	m1, err := OpenRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	reqs := []model.ScoreRequest{
		{Prompt: "What is the capital of Chad?", Continuation: "N'Djamena"},
		{Prompt: "What is the capital of Chad?", Continuation: "Paris"},
		{Prompt: "Where?", Continuation: ""},
	}
	s1, err := m1.Score(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	// Save a copy and reload: identical scores.
	if err := m1.Checkpoint().Save(filepath.Join(dir, "copy")); err != nil {
		t.Fatal(err)
	}
	m2, err := Open(filepath.Join(dir, "copy"))
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := m2.Score(context.Background(), reqs)
	for i := range s1 {
		if s1[i] != s2[i] {
			t.Errorf("score %d = %+v after reload; want %+v", i, s2[i], s1[i])
		}
	}
	if s1[2].Tokens != 0 || s1[2].LogProb != 0 || s1[0].Tokens == 0 || s1[0].LogProb >= 0 {
		t.Errorf("scores = %+v", s1)
	}
	// Batched scoring equals one-by-one scoring.
	for i, r := range reqs {
		one, _ := m1.Score(context.Background(), []model.ScoreRequest{r})
		if math.Abs(one[0].LogProb-s1[i].LogProb) > 1e-4 {
			t.Errorf("score %d alone = %g; batched %g", i, one[0].LogProb, s1[i].LogProb)
		}
	}
	out, err := m1.Generate(context.Background(), []model.GenerateRequest{{Prompt: "What is the capital of Chad?", MaxTokens: 5}})
	if err != nil || len(out) != 1 {
		t.Fatalf("Generate = %q, %v", out, err)
	}
}

func TestBadCheckpoints(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	pretrainSmall(t, good, 1)
	copyDir := func(name string) string {
		d := filepath.Join(dir, name)
		os.MkdirAll(d, 0o755)
		for _, f := range []string{ConfigFile, WeightsFile, TokenizerFile} {
			b, err := os.ReadFile(filepath.Join(good, f))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(d, f), b, 0o644)
		}
		return d
	}
	edit := func(d, file string, fn func([]byte) []byte) {
		p := filepath.Join(d, file)
		b, _ := os.ReadFile(p)
		os.WriteFile(p, fn(b), 0o644)
	}
	tests := []struct {
		name string
		make func() string
		want string
	}{
		{"missing folder", func() string { return filepath.Join(dir, "nope") }, "no such file"},
		{"truncated weights", func() string {
			d := copyDir("trunc")
			edit(d, WeightsFile, func(b []byte) []byte { return b[:len(b)/2] })
			return d
		}, WeightsFile},
		{"corrupt config", func() string {
			d := copyDir("cfg")
			edit(d, ConfigFile, func(b []byte) []byte { return b[:10] })
			return d
		}, ConfigFile},
		{"mismatched config", func() string {
			d := copyDir("dim")
			edit(d, ConfigFile, func(b []byte) []byte { return []byte(strings.Replace(string(b), `"ffn_dim": 64`, `"ffn_dim": 32`, 1)) })
			return d
		}, "shape"},
		{"huge config", func() string {
			d := copyDir("huge")
			edit(d, ConfigFile, func(b []byte) []byte {
				return []byte(strings.Replace(string(b), `"n_layers": 2`, `"n_layers": 1000`, 1))
			})
			return d
		}, "bytes"},
		{"wrong version", func() string {
			d := copyDir("ver")
			edit(d, ConfigFile, func(b []byte) []byte { return []byte(strings.Replace(string(b), `"version": 1`, `"version": 99`, 1)) })
			return d
		}, "version"},
		{"missing tokenizer", func() string {
			d := copyDir("tok")
			os.Remove(filepath.Join(d, TokenizerFile))
			return d
		}, TokenizerFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.make())
			if err == nil {
				t.Fatal("Open succeeded; want an error")
			}
			if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open error = %v; want ErrCheckpoint mentioning %q", err, tt.want)
			}
		})
	}
}

// TestNonFiniteWeights saves checkpoints with one NaN or infinite weight
// and expects Load to refuse them, naming the tensor and the file.
func TestNonFiniteWeights(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	pretrainSmall(t, good, 1)
	for i, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		ck, err := Load(good)
		if err != nil {
			t.Fatal(err)
		}
		v := ck.Net.Views[(i+1)%len(ck.Net.Views)]
		ck.Net.Params[v.Off+v.Len()/2] = bad
		d := filepath.Join(dir, fmt.Sprintf("bad-%d", i))
		if err := ck.Save(d); err != nil {
			t.Fatal(err)
		}
		_, err = Load(d)
		if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), "tensor "+v.Name+" ") ||
			!strings.Contains(err.Error(), filepath.Join(d, WeightsFile)) {
			t.Errorf("Load with %v in %s: error %v; want ErrCheckpoint naming the tensor and %s", bad, v.Name, err, WeightsFile)
		}
	}
}

// TestResumeEqualsUninterrupted cancels a Train mid-way, runs it again
// and compares the weights with an uninterrupted run.
func TestResumeEqualsUninterrupted(t *testing.T) {
	dir := t.TempDir()
	base := pretrainSmall(t, filepath.Join(dir, "base"), 2)
	var examples []model.Example
	for i, s := range testTexts {
		examples = append(examples, model.Example{ID: string(rune('a' + i)), Kind: "cpt", Text: s})
	}
	set := model.TrainSet{Examples: examples, Seed: 5}
	opts := Options{Steps: 8, BatchTokens: 64, SeqLen: 32, LR: 2e-3}

	opts.Out = filepath.Join(dir, "straight")
	if _, err := (&Trainer{Options: opts}).Train(context.Background(), base, set); err != nil {
		t.Fatal(err)
	}
	opts.Out = filepath.Join(dir, "resumed")
	ctx, cancel := context.WithCancel(context.Background())
	opts.Progress = progress.Func(func(u progress.Update) {
		if u.Done == 3 {
			cancel()
		}
	})
	if _, err := (&Trainer{Options: opts}).Train(ctx, base, set); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Train error = %v; want context.Canceled", err)
	}
	ck, err := Load(opts.Out)
	if err != nil || ck.State == nil || ck.State.Step != 3 {
		t.Fatalf("interrupted checkpoint: %v, state %+v", err, ck)
	}
	opts.Progress = nil
	if _, err := (&Trainer{Options: opts}).Train(context.Background(), base, set); err != nil {
		t.Fatal(err)
	}
	a, _ := Load(filepath.Join(dir, "straight"))
	b, _ := Load(opts.Out)
	if b.State != nil {
		t.Errorf("finished checkpoint still has train state %+v", b.State)
	}
	for i := range a.Net.Params {
		if math.Float32bits(a.Net.Params[i]) != math.Float32bits(b.Net.Params[i]) {
			t.Fatalf("param %d = %g resumed; %g uninterrupted", i, b.Net.Params[i], a.Net.Params[i])
		}
	}
}
