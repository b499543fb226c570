package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelNewTrainScore runs `cem model new`, `train`, `info`, `score`
// and `generate` in-process on a tiny corpus.
func TestModelNewTrainScore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "train.jsonl")
	os.WriteFile(data, []byte(`{"id":"a","kind":"normative","prompt":"What is the capital of Chad?","text":"N'Djamena"}`+"\n"), 0o644)
	var out bytes.Buffer
	base := newTinyBase(t, dir, &out)
	tuned := filepath.Join(dir, "tuned")
	err := runModelTrain(context.Background(), modelTrainOptions{From: base, Data: data, Out: tuned, Steps: 2, BatchTokens: 256, SeqLen: 64, LR: 1e-3, LogEvery: 1}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "step 2/2") || !strings.Contains(out.String(), "wrote "+tuned) {
		t.Errorf("output = %q; want step lines and the folder written", out.String())
	}
	for _, args := range [][]string{
		{"model", "info", tuned},
		{"model", "score", tuned, "--prompt", "What is the capital of Chad?", "--cont", "N'Djamena", "--cont", "Lima"},
		{"model", "generate", tuned, "--prompt", "What is the capital of Chad?", "--max-tokens", "3"},
	} {
		root := newRootCommand()
		var buf bytes.Buffer
		root.SetOut(&buf)
		root.SetArgs(args)
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Errorf("cem %s: %v", strings.Join(args, " "), err)
		}
	}
}

func TestModelTrainBadData(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(data, []byte("{\"id\":\"a\",\"text\":\"ok\"}\n{not json}\n"), 0o644)
	_, err := readExamples(data)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "bad.jsonl:2") {
		t.Errorf("readExamples error = %v; want a usage error naming bad.jsonl:2", err)
	}
}
