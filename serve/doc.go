// Package serve exposes a language model over the subset of the OpenAI HTTP
// API that evaluation harnesses and chat clients use:
//
//	GET  /v1/models
//	POST /v1/completions       (prompt, max_tokens, temperature, stop, seed,
//	                            echo, logprobs, stream)
//	POST /v1/chat/completions  (messages, max_tokens, temperature, stop, seed,
//	                            logprobs, top_logprobs, stream)
//
// The model behind the server is anything that satisfies the small Engine
// interface (token log-probabilities of a text, and generation), so the
// package knows nothing of cem's built-in engine; cmd/cem adapts a native
// checkpoint to it. With echo and logprobs, /v1/completions reports the
// log-probability of every prompt token, which is what clients need to score
// multiple-choice answers by likelihood.
//
// With a ScoringEngine the reported tokens are exactly the prompt's tokens
// followed by the generated ones, with top alternatives; with a plain
// Engine they are the tokens of prompt and text together and
// top_logprobs holds only the chosen token. Options.APIKey requires a
// bearer key (401 otherwise); Options.NoEcho ignores echo.
//
// Limits: one choice per request (n > 1 is rejected), logprobs are not
// streamed, and streaming sends the generated text in word-sized chunks
// after the engine has produced it.
package serve
