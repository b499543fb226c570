package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/gguf"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

// ggufCheckpoint saves an untrained checkpoint with two key/value heads and
// returns its folder and the model.
func ggufCheckpoint(t *testing.T) (string, *nn.Model, *tokenizer.Tokenizer) {
	t.Helper()
	tok, err := tokenizer.Train([]string{"the cat sat on the mat", "the dog sat on the log", "N'Djamena is the capital of Chad."}, 300)
	if err != nil {
		t.Fatal(err)
	}
	// Vocab above the tokenizer's: the export pads the vocabulary.
	cfg := nn.Config{Vocab: tok.VocabSize() + 3, Dim: 64, Layers: 2, Heads: 4, KVHeads: 2, FFN: 96, MaxSeq: 48}
	m, err := nn.NewModel(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "tiny-ckpt")
	if err := (&native.Checkpoint{Net: m, Tok: tok}).Save(dir); err != nil {
		t.Fatal(err)
	}
	return dir, m, tok
}

// runGGUFCommand runs `cem gguf` with args and returns its standard output.
func runGGUFCommand(args ...string) (string, error) {
	cmd := newGGUFCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestGGUFCommandExports(t *testing.T) {
	dir, m, tok := ggufCheckpoint(t)
	cfg := m.Config
	for _, tc := range []struct {
		typ  string
		want gguf.Type // type of the matrices
		ft   uint32    // general.file_type
	}{
		{"f32", gguf.TypeF32, 0},
		{"F16", gguf.TypeF16, 1},
		// ffn_down rows are FFN = 96 long, a multiple of 32: all Q8_0.
		{"q8_0", gguf.TypeQ8_0, 7},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.gguf")
			out, err := runGGUFCommand(dir, "--out", path, "--type", tc.typ)
			if err != nil {
				t.Fatalf("cem gguf: %v\n%s", err, out)
			}
			t.Log(strings.TrimSpace(out))
			f, err := gguf.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			wantTensors := 2 + 9*cfg.Layers // token_embd, output_norm; tied output
			wantLine := fmt.Sprintf("wrote %s: %d tensors", path, wantTensors)
			if !strings.Contains(out, wantLine) || !strings.Contains(out, "type "+tc.want.String()) {
				t.Errorf("output %q lacks %q and type %s", out, wantLine, tc.want)
			}
			if len(f.Tensors) != wantTensors {
				t.Fatalf("%d tensors; want %d", len(f.Tensors), wantTensors)
			}
			meta := map[string]any{
				gguf.KeyArchitecture:   "llama",
				gguf.KeyName:           "tiny-ckpt",
				gguf.KeyFileType:       tc.ft,
				gguf.KeyBlockCount:     uint32(cfg.Layers),
				gguf.KeyEmbeddingLen:   uint32(cfg.Dim),
				gguf.KeyFeedForwardLen: uint32(cfg.FFN),
				gguf.KeyHeadCount:      uint32(cfg.Heads),
				gguf.KeyHeadCountKV:    uint32(cfg.KVHeads),
				gguf.KeyContextLength:  uint32(cfg.MaxSeq),
				gguf.KeyVocabSize:      uint32(cfg.Vocab),
				gguf.KeyAddBOS:         true,
				gguf.KeyBOS:            uint32(tok.BOS()),
				gguf.KeyTokenizerPre:   gguf.PreTokenizerGPT2,
			}
			for k, want := range meta {
				if got, ok := f.Value(k); !ok || got != want {
					t.Errorf("%s = %v (%T, present %v); want %v (%T)", k, got, got, ok, want, want)
				}
			}
			if toks, _ := f.Value(gguf.KeyTokens); len(toks.([]string)) != cfg.Vocab {
				t.Errorf("%d tokens; want the model's %d (padded)", len(toks.([]string)), cfg.Vocab)
			}
			hd := cfg.Dim / cfg.Heads
			shapes := map[string][]int{
				"token_embd.weight":        {cfg.Vocab, cfg.Dim},
				"output_norm.weight":       {cfg.Dim},
				"blk.1.attn_norm.weight":   {cfg.Dim},
				"blk.1.attn_q.weight":      {cfg.Heads * hd, cfg.Dim},
				"blk.1.attn_k.weight":      {cfg.KVHeads * hd, cfg.Dim},
				"blk.1.attn_v.weight":      {cfg.KVHeads * hd, cfg.Dim},
				"blk.1.attn_output.weight": {cfg.Dim, cfg.Heads * hd},
				"blk.1.ffn_gate.weight":    {cfg.FFN, cfg.Dim},
				"blk.1.ffn_up.weight":      {cfg.FFN, cfg.Dim},
				"blk.1.ffn_down.weight":    {cfg.Dim, cfg.FFN},
			}
			for name, shape := range shapes {
				ten, ok := f.Tensor(name)
				if !ok {
					t.Errorf("no tensor %s", name)
					continue
				}
				if !slices.Equal(ten.Shape, shape) {
					t.Errorf("%s has shape %v; want %v", name, ten.Shape, shape)
				}
				want := tc.want
				if len(shape) == 1 {
					want = gguf.TypeF32
				}
				if ten.Type != want {
					t.Errorf("%s has type %s; want %s", name, ten.Type, want)
				}
			}
			if _, ok := f.Tensor("output.weight"); ok {
				t.Error("output.weight written for a tied model")
			}
			// F32 exports the weights bit for bit.
			if tc.want == gguf.TypeF32 {
				got, _, err := f.Float32("blk.0.attn_k.weight")
				if err != nil {
					t.Fatal(err)
				}
				want, _, _ := m.View("layers.0.attention.wk.weight")
				if !slices.Equal(got, want) {
					t.Error("blk.0.attn_k.weight differs from the checkpoint's layers.0.attention.wk.weight")
				}
			}
		})
	}
}

func TestGGUFCommandOptionsAndErrors(t *testing.T) {
	dir, _, _ := ggufCheckpoint(t)
	path := filepath.Join(t.TempDir(), "named.gguf")
	if out, err := runGGUFCommand(dir, "-o", path, "--name", "custom", "--add-bos=false"); err != nil {
		t.Fatalf("cem gguf: %v\n%s", err, out)
	}
	f, err := gguf.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Value(gguf.KeyName); v != "custom" {
		t.Errorf("general.name = %v; want custom", v)
	}
	if v, _ := f.Value(gguf.KeyAddBOS); v != false {
		t.Errorf("add_bos_token = %v; want false", v)
	}

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"bad type", []string{dir, "--out", path, "--type", "q4_0"}},
		{"no out", []string{dir}},
		{"not a checkpoint", []string{t.TempDir(), "--out", path}},
	} {
		_, err := runGGUFCommand(tc.args...)
		var ue usageError
		if err == nil || (tc.name != "no out" && !errors.As(err, &ue)) {
			t.Errorf("%s: error %v; want a usage error", tc.name, err)
		}
	}
	// The failed runs left the earlier export alone.
	if _, err := gguf.ReadFile(path); err != nil {
		t.Errorf("after failed runs: %v", err)
	}
}

// TestGGUFChatTemplateAndContext: the export carries the native chat
// template and the model's positions as its context, or --ctx; the
// template's pieces are those of cem serve's chat prompt.
func TestGGUFChatTemplateAndContext(t *testing.T) {
	dir, m, _ := ggufCheckpoint(t)
	for _, tc := range []struct {
		args []string
		want uint32
	}{
		{nil, uint32(m.Config.MaxSeq)},
		{[]string{"--ctx", "4096"}, 4096},
	} {
		path := filepath.Join(t.TempDir(), "m.gguf")
		if out, err := runGGUFCommand(append([]string{dir, "--out", path}, tc.args...)...); err != nil {
			t.Fatalf("cem gguf %v: %v\n%s", tc.args, err, out)
		}
		f, err := gguf.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := f.Value(gguf.KeyContextLength); v != tc.want {
			t.Errorf("%v: %s = %v; want %d", tc.args, gguf.KeyContextLength, v, tc.want)
		}
		v, _ := f.Value(gguf.KeyChatTemplate)
		tmpl, _ := v.(string)
		for _, piece := range []string{"'" + tokenizer.InstToken + "'", "'" + tokenizer.RespToken + "'", "message['content']", "'\n\n'"} {
			if !strings.Contains(tmpl, piece) {
				t.Errorf("%v: chat template %q lacks %s", tc.args, tmpl, piece)
			}
		}
	}
	if out, err := runGGUFCommand(dir, "--out", filepath.Join(t.TempDir(), "x.gguf"), "--ctx", "-1"); err == nil {
		t.Errorf("--ctx -1 accepted: %s", out)
	}
}
