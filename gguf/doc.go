// Package gguf writes (and, for tests and inspection, reads) GGUF version 3
// files, the format llama.cpp and the servers built on it load, and exports
// cem's built-in Llama-style model to it (WriteLlama).
//
// # File layout
//
//	"GGUF", version uint32 = 3, tensor count uint64, key/value count uint64
//	key/value pairs: key string, value type uint32, value
//	tensor infos: name string, n_dims uint32, ne[n_dims] uint64,
//	              ggml type uint32, data offset uint64
//	padding to the alignment, then the tensor data, each tensor at an
//	offset (relative to the data start) that is a multiple of the alignment
//
// Strings are a uint64 byte length and the bytes; all numbers are
// little-endian. The alignment is general.alignment when present, else 32.
//
// # Shapes
//
// Tensor.Shape is row-major, as everywhere else in cem: the last dimension
// varies fastest. GGUF lists dimensions the other way round (ne[0] is the
// fastest), so the writer reverses Shape and the reader reverses it back; a
// [V, D] embedding is stored with ne = [D, V], which is what llama.cpp
// expects for token_embd.weight.
//
// # Types
//
// F32, F16 and Q8_0 are written; Q8_0 stores each run of 32 consecutive
// values along the fastest dimension as a float16 scale d = max|x|/127 and
// 32 int8 values round(x/d), 34 bytes per block, so its fastest dimension
// must be a multiple of 32.
//
// # Llama export
//
// WriteLlama maps Meta Llama parameter names (as package nn uses) to
// llama.cpp's (token_embd, blk.N.attn_q, ..., output_norm; output.weight
// only when untied) and writes the tokenizer as tokenizer.ggml.model
// "gpt2" with pre-tokenizer "gpt-2", the name llama.cpp maps to the GPT-2
// split pattern. Rotary embeddings: llama.cpp's llama architecture rotates
// interleaved pairs (2i, 2i+1) of each head, as nn does, so weights are
// written unchanged by default; a model trained with the rotate-half
// (NeoX) convention is exported with ExportOptions.Rope = RopeHalves,
// which permutes the query and key rows (InterleaveHalves).
//
// # Checking against llama.cpp
//
// testdata/llamacheck.mjs loads exported files with llama.cpp through the
// npm package node-llama-cpp; TestLlamaCpp runs it when CEM_NODE_LLAMA
// names a node_modules folder holding node-llama-cpp@3.21.1 and
// @node-llama-cpp/linux-x64@3.21.1 (install them outside the repository).
// It checks that llama.cpp tokenises texts exactly as package tokenizer
// does, sweeps planes 0-3 of Unicode for pre-tokenizer class differences,
// and compares llama.cpp's next-token probabilities with nn's forward pass
// for F32, F16 and Q8_0 exports (and that a wrong RoPE layout is caught).
package gguf
