package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cemlab/cem/exam"
)

// tinyCorpus is the two-sentence corpus tiny test models are built on.
const tinyCorpus = "The capital of Chad is N'Djamena.\n\nThe capital of Peru is Lima.\n"

// newTinyBase writes tinyCorpus into dir and runs `cem model new` for a
// tiny model trained two steps on it into dir/base, printing to out; it
// returns the model folder.
func newTinyBase(t *testing.T, dir string, out *bytes.Buffer) string {
	t.Helper()
	corpus := filepath.Join(dir, "corpus.txt")
	if err := os.WriteFile(corpus, []byte(tinyCorpus), 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "base")
	if err := runModelNew(t.Context(), modelTrainOptions{Size: "tiny", Corpus: []string{corpus}, Out: base,
		Steps: 2, BatchTokens: 256, SeqLen: 64, LR: 1e-3, LogEvery: 1}, out); err != nil {
		t.Fatal(err)
	}
	return base
}

// runTinyRound writes items as dir/exam.jsonl and a tiny base model as
// dir/base (see newTinyBase), then cfg (a run config naming both) as
// dir/run.yaml, and runs one round of `cem run` into dir/run, printing to
// out; it returns the run folder.
func runTinyRound(t *testing.T, dir string, items []exam.Item, cfg string, out *bytes.Buffer) string {
	t.Helper()
	if err := exam.WriteSuite(filepath.Join(dir, "exam.jsonl"), items); err != nil {
		t.Fatal(err)
	}
	newTinyBase(t, dir, out)
	path := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if err := runRun(t.Context(), runOptions{Out: run, Rounds: 1, Index: filepath.Join(dir, "runs.sqlite")}, path, out); err != nil {
		t.Fatalf("cem run: %v\n%s\nconfig:\n%s", err, out.String(), cfg)
	}
	return run
}
