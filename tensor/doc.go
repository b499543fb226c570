// Package tensor is the built-in model's autodiff engine: float32 tensors
// and a Tape that records coarse fused operations (each op is one forward
// function and one backward closure, in the style of llm.c) for a
// Llama-style decoder: Linear (x·wᵀ through kernel.Sgemm), Add, RMSNorm,
// Attention (rotary positions plus causal, document-masked softmax
// attention, computed per segment and head without storing the attention
// matrix), SwiGLU, Embedding and a fused classifier with weighted
// cross-entropy.
//
// Notation: N is the number of tokens in a batch (rows of activations), D
// the model width, V the vocabulary size, H and Hkv the query and key/value
// head counts and hd the head width. Matrices are row-major; a weight of a
// linear layer is stored [out, in], as in PyTorch and llama.cpp.
//
// Rotary embeddings use the interleaved-pairs layout: within each head,
// elements (2i, 2i+1) form one rotated pair with frequency
// theta^(-2i/hd). This is what llama.cpp's LLAMA architecture (rope type
// NORM) expects, so q and k weights export to GGUF without permutation.
//
// Determinism: every op splits work across goroutines so that each output
// element is computed by one goroutine in a fixed order, and reductions
// across rows use fixed-size chunks summed in chunk order. Results are
// therefore bit-identical for any GOMAXPROCS (given a bit-identical Sgemm).
//
// Memory: a Tape owns an arena; activations and gradients allocated during
// a step are reused by the next step after Reset, so a steady training
// loop does not allocate.
package tensor
