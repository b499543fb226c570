package native

import (
	"github.com/cemlab/cem/gguf"
	"github.com/cemlab/cem/nn"
)

// GGUFConfig is the llama.cpp description of a model with config c, named
// name: the one mapping of nn.Config onto gguf.LlamaConfig (the checkpoint's
// rope layout is interleaved, which is llama.cpp's, so weights go out
// unchanged). The chat template and a context override are the caller's.
func GGUFConfig(name string, c nn.Config) gguf.LlamaConfig {
	return gguf.LlamaConfig{Name: name, Config: c}
}
