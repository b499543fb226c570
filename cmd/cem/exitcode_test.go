package main

import (
	"context"
	"errors"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/model/native"
)

// execute runs the cem root command in-process with args and returns the
// exit status main would give.
func execute(ctx context.Context, args ...string) (int, error) {
	root := newRootCommand()
	root.SetArgs(args)
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	err := root.ExecuteContext(ctx)
	return exitCode(err), err
}

// nanCheckpoint copies the checkpoint at good with one weight set to NaN.
func nanCheckpoint(t *testing.T, good string) string {
	t.Helper()
	ck, err := native.Load(good)
	if err != nil {
		t.Fatal(err)
	}
	v := ck.Net.Views[0]
	ck.Net.Params[v.Off] = float32(math.NaN())
	dir := filepath.Join(t.TempDir(), "nan")
	if err := ck.Save(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestExitCodes checks the documented exit statuses (0 success, 1
// failure, 2 bad usage or bad input, 130 interrupted) over the commands.
func TestExitCodes(t *testing.T) {
	tmp := t.TempDir()
	good := shortCheckpointDir(t)
	nan := nanCheckpoint(t, good)
	missing := filepath.Join(tmp, "no-such-ckpt")
	suite := filepath.Join(tmp, "exam.jsonl")
	if err := writeFileForTest(suite, `{"id":"q1","question":"Capital of Chad?","answer":"N'Djamena"}`+"\n"); err != nil {
		t.Fatal(err)
	}
	examples := filepath.Join(tmp, "train.jsonl")
	if err := writeFileForTest(examples, `{"id":"a","kind":"cpt","text":"Chad is in Africa."}`+"\n"); err != nil {
		t.Fatal(err)
	}
	config := func(name, model, suite string) string {
		p := filepath.Join(tmp, name)
		if err := writeFileForTest(p, "model: {path: "+model+"}\nsuites:\n  - {path: "+suite+", role: exam}\n"); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noModel := config("no-model.yaml", missing, suite)
	nanModel := config("nan-model.yaml", nan, suite)
	noSuite := config("no-suite.yaml", good, filepath.Join(tmp, "no-such-suite.jsonl"))
	out := filepath.Join(tmp, "x.gguf")
	tests := []struct {
		name    string
		args    []string
		want    int
		mention string // in the error, when set
	}{
		{"help", nil, 0, ""},
		{"group help", []string{"model"}, 0, ""},
		{"model info", []string{"model", "info", good}, 0, ""},
		{"unknown command", []string{"bogus"}, 2, ""},
		{"unknown subcommand", []string{"model", "bogus"}, 2, ""},
		{"unknown flag", []string{"--bogus"}, 2, ""},
		{"unknown subcommand flag", []string{"model", "info", "--bogus", good}, 2, ""},
		{"bad flag value", []string{"serve", "--read-timeout", "soon", good}, 2, ""},
		{"missing arg", []string{"model", "info"}, 2, ""},
		{"extra arg", []string{"model", "info", good, good}, 2, ""},
		{"missing flags", []string{"model", "train"}, 2, ""},
		{"missing arg of run", []string{"run"}, 2, ""},
		{"model info missing checkpoint", []string{"model", "info", missing}, 2, ""},
		{"model info NaN checkpoint", []string{"model", "info", nan}, 2, ""},
		{"model score NaN checkpoint", []string{"model", "score", nan, "--prompt", "Q", "--cont", "A"}, 2, ""},
		{"model generate missing checkpoint", []string{"model", "generate", missing, "--prompt", "Q"}, 2, ""},
		{"model train missing checkpoint", []string{"model", "train", "--from", missing, "--data", examples, "--out", filepath.Join(tmp, "t")}, 2, ""},
		{"gguf missing checkpoint", []string{"gguf", missing, "--out", out}, 2, ""},
		{"gguf NaN checkpoint", []string{"gguf", nan, "--out", out}, 2, ""},
		{"serve missing checkpoint", []string{"serve", missing, "--addr", "127.0.0.1:0"}, 2, ""},
		{"serve NaN checkpoint", []string{"serve", nan, "--addr", "127.0.0.1:0"}, 2, ""},
		{"run missing config", []string{"run", filepath.Join(tmp, "nope.yaml")}, 2, ""},
		{"run missing model", []string{"run", noModel, "-o", filepath.Join(tmp, "r1")}, 2, "model.path"},
		{"run NaN model", []string{"run", nanModel, "-o", filepath.Join(tmp, "r2")}, 2, "tensor tok_embeddings.weight"},
		{"run missing suite", []string{"run", noSuite, "-o", filepath.Join(tmp, "r3")}, 2, "no-such-suite.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := execute(t.Context(), tt.args...)
			if got != tt.want {
				t.Errorf("cem %q: exit %d (error %v); want %d", tt.args, got, err, tt.want)
			}
			if tt.mention != "" && (err == nil || !strings.Contains(err.Error(), tt.mention)) {
				t.Errorf("cem %q: error %v; want it to mention %q", tt.args, err, tt.mention)
			}
		})
	}
	t.Run("interrupted", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if got, err := execute(ctx, "serve", good, "--addr", "127.0.0.1:0"); got != 130 {
			t.Errorf("cem serve with a cancelled context: exit %d (error %v); want 130", got, err)
		}
	})
}

func TestExitCodeMapping(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("disk full"), 1},
		{usagef("bad flag"), 2},
		{errors.Join(errors.New("ctx"), usagef("bad input")), 2},
		{context.Canceled, 130},
		{errors.New(`required flag(s) "out" not set`), 2},
	} {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d; want %d", tt.err, got, tt.want)
		}
	}
}
