// Package tokenizer is cem's byte-level BPE tokenizer: trained from a corpus
// sample by Train, applied by Encode and Decode, and stored as versioned JSON
// by Save and Load.
//
// # Model
//
// Every text is first split into pre-tokens ("words") with the GPT-2
// pre-tokenizer,
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// hand-written (Go's regexp has no look-ahead) to split exactly as
// llama.cpp's "gpt-2" pre-tokenizer does, so that a model exported to GGUF
// (package gguf) tokenises identically under llama.cpp. Classes follow
// llama.cpp's tables: whitespace is the Unicode White_Space property
// (unicode.IsSpace), letters are categories L*, numbers N*, everything
// else, including each byte of invalid UTF-8, is "other". (Python's re
// would also treat U+001C..U+001F as \s; llama.cpp and this package do not.)
// Go's tables are Unicode 15.0 and llama.cpp's 15.1; the one difference
// that matters, CJK Extension I (U+2EBF0..U+2EE5D, letters), is patched
// in. A sweep of planes 0-3 against llama.cpp (package gguf's llama.cpp
// test) finds no other code point classed differently.
//
// Each word is then encoded as bytes and merged by the learnt merge rules,
// lowest rank first and, among equal ranks, leftmost first, as GPT-2,
// Hugging Face tokenizers and llama.cpp do. Because the base vocabulary is
// the 256 bytes, Decode(Encode(s)) == s for every byte string, including
// invalid UTF-8.
//
// # Vocabulary layout
//
//	0..255      the single bytes, id == byte value
//	256..260    the special tokens <|begin|> <|end|> <|pad|> <|inst|> <|resp|>
//	261..       one token per merge rule, in rank order
//
// Special tokens are never produced by Encode: text such as "<|end|>" is
// encoded literally, byte by byte. Use BOS, EOS, Pad, Inst and Resp to
// place them. Decode writes a special token as its literal name.
//
// Tokens and Merges give the vocabulary in the GPT-2 "byte to unicode" form
// (each byte mapped to a printable code point, so ' ' is 'Ġ'), which is
// what GGUF's tokenizer.ggml.tokens and tokenizer.ggml.merges hold.
//
// A Tokenizer is safe for concurrent use by multiple goroutines.
package tokenizer
