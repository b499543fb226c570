package modeltest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cemlab/cem/model"
)

// RoundSet returns a training set of two examples about Chad (a CPT text
// and a normative question) with seed, in a new folder <tmp>/<rel>, the
// way a round's train folder looks to a trainer.
func RoundSet(t testing.TB, rel string, seed int64) model.TrainSet {
	t.Helper()
	dir := filepath.Join(t.TempDir(), rel)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return model.TrainSet{Dir: dir, Seed: seed, Examples: []model.Example{
		{ID: "c1", Kind: "cpt", Text: "N'Djamena is the capital of Chad."},
		{ID: "n1", Kind: "normative", Prompt: "Capital of Chad?", Text: "N'Djamena"},
	}}
}

// Lines gathers lines from several goroutines (a trainer's output).
type Lines struct {
	mu    sync.Mutex
	lines []string
}

// Add appends one line.
func (l *Lines) Add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}

// Text is the lines so far, joined by newlines.
func (l *Lines) Text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// TrainJob is a training that a test runs in a child process of the test
// binary (see TrainChild), to kill it while it trains.
type TrainJob[C any] struct {
	Config C
	From   model.Ref
	Set    model.TrainSet
}

// TrainChild is the first step of the TestMain of a trainer's tests: when
// the environment variable env holds the JSON of a TrainJob, it trains it
// with the trainer newTrainer makes of its Config and exits (0 trained, 1
// failed, 2 a bad job); otherwise it returns.
func TrainChild[C any](env string, newTrainer func(C) (model.Trainer, error)) {
	spec := os.Getenv(env)
	if spec == "" {
		return
	}
	var j TrainJob[C]
	if err := json.Unmarshal([]byte(spec), &j); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	tr, err := newTrainer(j.Config)
	if err == nil {
		_, err = tr.Train(context.Background(), j.From, j.Set)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// StartTrainChild starts the test binary training j (see TrainChild,
// which its TestMain must call with the same env), its output to out.
func StartTrainChild[C any](t testing.TB, env string, j TrainJob[C], out io.Writer) *exec.Cmd {
	t.Helper()
	spec, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env+"="+string(spec))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}
