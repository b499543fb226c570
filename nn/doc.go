// Package nn is the built-in Llama-style decoder on top of package
// tensor: configuration and named sizes, flat parameter buffers with
// named views, the forward pass for training (Model.Loss), AdamW with
// warmup + cosine schedule and gradient clipping, sequence packing with
// document boundaries and loss weights, the training loop (Run), and
// inference with a key/value cache (scoring and generation on token ids).
//
// The model, in the notation of package tensor (N tokens, D = Dim, H
// heads of width hd = D/H, Hkv key/value heads, F = FFN, V = Vocab):
//
//	x = E[tokens]                                   [N, D]
//	for each layer:
//	    h   = RMSNorm(x)·g_attn                     [N, D]
//	    qkv = h·[Wq; Wk; Wv]ᵀ                       [N, (H+2Hkv)·hd]
//	    a   = Attention(RoPE(q), RoPE(k), v)        [N, H·hd], causal within a document
//	    x   = x + a·Woᵀ                             [N, D]
//	    h   = RMSNorm(x)·g_ffn                      [N, D]
//	    u   = h·[W1; W3]ᵀ                           [N, 2F]
//	    x   = x + (silu(u1) ⊙ u3)·W2ᵀ               [N, D]
//	logits = RMSNorm(x)·g_out · Eᵀ                  [N, V] (tied embedding)
//
// Rotary embeddings use interleaved pairs (see package tensor), as
// llama.cpp's LLAMA architecture does. Parameter names follow Meta's
// Llama checkpoints (tok_embeddings.weight, layers.N.attention.wq.weight,
// ...); there is no output.weight because the output is tied to
// tok_embeddings.weight.
//
// It is not a general framework: no dropout, no biases, no mixed
// precision, float32 throughout, one model shape family.
package nn
