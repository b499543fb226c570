package main

import (
	"bytes"
	"context"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/model/openai"
	"github.com/cemlab/cem/trainset"
)

// tinyCheckpoint pretrains a tiny model for two steps.
func tinyCheckpoint(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ckpt")
	texts := []string{"N'Djamena is the capital of Chad.", "Paris is the capital of France. Lyon is a city."}
	_, err := native.Pretrain(context.Background(), texts, nil, native.PretrainOptions{
		Size: "tiny", TokenizerBytes: 4096, Train: native.Options{Steps: 2, BatchTokens: 128, SeqLen: 64, Out: dir}})
	if err != nil {
		t.Fatalf("Pretrain: %v", err)
	}
	return dir
}

// TestServeNativeMatchesOwnScores runs cem's openai backend against cem
// serve and compares with the checkpoint's own Score and Generate.
func TestServeNativeMatchesOwnScores(t *testing.T) {
	m, err := native.Open(tinyCheckpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newNativeServer(m, serveOptions{Name: "tiny", ChatMaxTokens: 16})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	client, err := openai.New(openai.Config{BaseURL: hs.URL + "/v1", Model: "tiny",
		PromptTemplate: "<|inst|>{{.Prompt}}<|resp|>", ScoreMode: openai.ScoreAuto})
	if err != nil {
		t.Fatal(err)
	}
	reqs := []model.ScoreRequest{
		{Prompt: "What is the capital of Chad?", Continuation: "N'Djamena"},
		{Prompt: "What is the capital of Chad?", Continuation: "Paris"},
		{Prompt: "Capitale du Tchad ?", Continuation: " N'Djaména"},
	}
	ctx := context.Background()
	want, err := m.Score(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := client.Score(ctx, reqs)
	if err != nil {
		t.Fatalf("Score through serve: %v", err)
	}
	for i := range reqs {
		if got[i].Tokens != want[i].Tokens || math.Abs(got[i].LogProb-want[i].LogProb) > 1e-3 {
			t.Errorf("Score(%q) through serve = %+v; native = %+v", reqs[i].Continuation, got[i], want[i])
		}
	}
	gen := []model.GenerateRequest{{Prompt: "What is the capital of Chad?", MaxTokens: 8}}
	wantText, err := m.Generate(ctx, gen)
	if err != nil {
		t.Fatal(err)
	}
	gotText, err := client.Generate(ctx, gen)
	if err != nil {
		t.Fatalf("Generate through serve: %v", err)
	}
	if utf8.ValidString(wantText[0]) && gotText[0] != wantText[0] {
		t.Errorf("chat generation through serve = %q; native = %q", gotText[0], wantText[0])
	}
}

func TestRunExport(t *testing.T) {
	run := t.TempDir()
	if err := os.MkdirAll(filepath.Join(run, "round-1"), 0o755); err != nil {
		t.Fatal(err)
	}
	set := []model.Example{
		{ID: "a", Kind: "cpt", Text: "Chad is in Africa."},
		{ID: "b", Kind: "normative", Prompt: "Capital of Chad?", Text: "N'Djamena"},
	}
	if err := trainset.WriteExamples(filepath.Join(run, "round-1", "trainset.jsonl"), set); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runExport(run, exportOptions{Round: 1, Format: "openai"}, &out); err != nil {
		t.Fatalf("runExport: %v", err)
	}
	if !strings.Contains(out.String(), "train.jsonl: cpt=1 normative=1") {
		t.Errorf("runExport printed %q; want per-kind counts", out.String())
	}
	if _, err := os.Stat(filepath.Join(run, "round-1", "export", "openai", "job.json")); err != nil {
		t.Errorf("job.json not written: %v", err)
	}
	if err := runExport(run, exportOptions{Round: 4, Format: "trl"}, &out); err == nil {
		t.Error("runExport of a missing round succeeded; want an error")
	}
}
