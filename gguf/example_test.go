package gguf_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cemlab/cem/gguf"
	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

// ExampleWriteLlama exports a (here untrained) built-in model and its
// tokenizer for llama.cpp.
func ExampleWriteLlama() {
	tok, err := tokenizer.Train([]string{"the cat sat on the mat", "the dog sat on the log"}, 300)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := nn.Config{Vocab: tok.VocabSize(), Dim: 64, Layers: 2, Heads: 4, FFN: 128, MaxSeq: 64}
	m, err := nn.NewModel(cfg, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "gguf")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cem.gguf")
	err = gguf.WriteLlama(path, gguf.LlamaConfig{Name: "cem-tiny", Config: cfg}, m, tok, gguf.ExportOptions{Type: gguf.TypeQ8_0})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := gguf.ReadFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	arch, _ := f.Value(gguf.KeyArchitecture)
	pre, _ := f.Value(gguf.KeyTokenizerPre)
	emb, _ := f.Tensor("token_embd.weight")
	fmt.Println(arch, pre, len(f.Tensors), "tensors")
	fmt.Println(emb.Name, emb.Type, emb.Shape)
	// Output:
	// llama gpt-2 20 tensors
	// token_embd.weight Q8_0 [270 64]
}
