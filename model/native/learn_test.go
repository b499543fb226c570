package native

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/nn"
)

// factExamples turns facts into instruction examples.
func factExamples(facts []fact) []model.Example {
	var ex []model.Example
	for i, f := range facts {
		ex = append(ex, model.Example{ID: fmt.Sprint("fact-", i), Kind: "normative",
			Prompt: "What is the capital of " + f.Subject + "?", Text: f.Answer})
	}
	return ex
}

// teacherForced returns the fraction of answer tokens (and <eos>) that
// are the model's argmax given the prompt and the true tokens before.
func teacherForced(t *testing.T, m *Model, examples []model.Example) float64 {
	t.Helper()
	var items []nn.ScoreItem
	for _, ex := range examples {
		cont := appendIDs(nil, m.ck.Tok.Encode(ex.Text))
		cont = append(cont, int32(m.ck.Tok.EOS()))
		items = append(items, nn.ScoreItem{Prompt: m.promptIDs(ex.Prompt), Conts: [][]int32{cont}})
	}
	res, err := m.ck.Net.ScoreTokens(context.Background(), items, 0)
	if err != nil {
		t.Fatal(err)
	}
	hit, n := 0, 0
	for _, r := range res {
		for _, g := range r[0].Greedy {
			n++
			if g {
				hit++
			}
		}
	}
	return float64(hit) / float64(n)
}

// TestMemorisesFacts pretrains the tiny architecture (learnArch) on a few hundred
// capital-city facts (bsdgames quiz files) and wants >= 95% teacher-forced
// accuracy on the answers. The purego build trains on fewer facts (see
// memoFacts) because its kernels are about 20 times slower.
func TestMemorisesFacts(t *testing.T) {
	facts := capitalFacts(t)
	if len(facts) > memoFacts {
		facts = facts[:memoFacts]
	}
	examples := factExamples(facts)
	cfg := learnArch()
	cfg.Vocab = 1024
	cfg.MaxSeq = 64
	start := time.Now()
	ref, err := Pretrain(context.Background(), nil, examples, PretrainOptions{Config: &cfg,
		Train: Options{Epochs: memoEpochs, BatchTokens: memoBatch, SeqLen: 64, LR: 2e-3, WeightDecay: -1, Warmup: 20, Seed: 1,
			Out: filepath.Join(t.TempDir(), "m")}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := OpenRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	acc := teacherForced(t, m, examples)
	t.Logf("%d facts, %d epochs: teacher-forced accuracy %.3f in %s", len(facts), memoEpochs, acc, time.Since(start).Round(time.Millisecond))
	if acc < 0.95 {
		t.Errorf("teacher-forced accuracy = %.3f; want >= 0.95", acc)
	}
}

// TestWordNetLossFalls trains the tiny architecture (learnArch) for a bounded number
// of steps on WordNet noun glosses and wants the loss well below its
// start.
func TestWordNetLossFalls(t *testing.T) {
	f, err := os.Open(filepath.Join(demotest.Paths(t).WordNetDir(), "data.noun"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() && len(texts) < 3000 {
		line := sc.Text()
		if i := strings.Index(line, " | "); i >= 0 && !strings.HasPrefix(line, "  ") {
			texts = append(texts, strings.TrimSpace(line[i+3:]))
		}
	}
	cfg := learnArch()
	cfg.Vocab = 1024
	var first, last float64
	_, err = Pretrain(context.Background(), texts, nil, PretrainOptions{Config: &cfg,
		Train: Options{Steps: wordnetSteps, BatchTokens: wordnetBatch, SeqLen: 128, LR: 3e-3, Out: filepath.Join(t.TempDir(), "m"),
			Progress: progress.Func(func(u progress.Update) {
				if u.Done == 1 {
					first = u.Loss
				}
				last = u.Loss
			})}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("WordNet glosses: loss %.3f -> %.3f in %d steps", first, last, wordnetSteps)
	if last > first-1 {
		t.Errorf("loss %.3f -> %.3f; want a drop of at least 1 nat", first, last)
	}
}
