// Package native is the built-in model backend: a small Llama-style
// decoder (package nn) with a byte-level BPE tokenizer, stored as a
// checkpoint folder, that implements model.Model (Score, Generate) and
// model.Trainer (Train), plus Pretrain to build a fresh model from texts.
//
// Checkpoint folder:
//
//	config.json            format "cem-native", version, architecture (nn.Config),
//	                       rope layout "interleaved", tied embeddings
//	model.safetensors      F32 weights with Llama names (tok_embeddings.weight,
//	                       layers.N.attention.wq.weight, ..., norm.weight)
//	tokenizer.json         the tokenizer (package tokenizer)
//	optimizer.safetensors  optional: AdamW moments "adam.m", "adam.v"
//	train_state.json       optional: step, steps, seed, options and data
//	                       fingerprint, so an interrupted Train resumes
//
// Sequence format: a CPT example is <bos> text <eos> with loss on every
// token after <bos>; an instruction example is <bos> <inst> prompt <resp>
// response <eos> with loss only on "response <eos>". Scoring a
// continuation C for prompt P gives the log-probability of C's tokens
// after <bos> <inst> P <resp>, with P and C tokenised separately and the
// ids concatenated. Generation continues <bos> <inst> P <resp> up to <eos>.
package native
