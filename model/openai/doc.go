// Package openai is a model.Model backed by any server that speaks the
// OpenAI HTTP API: vLLM, llama.cpp's server, Ollama, cem serve, or a hosted
// API. It uses the official SDK (github.com/openai/openai-go/v3).
//
// Scoring. Multiple-choice answers are scored by log-likelihood where the
// server reports prompt log-probabilities: one /v1/completions request per
// ScoreRequest with echo, logprobs=1 and max_tokens=1, whose continuation
// tokens are found by their text offsets. Servers that cannot do this
// (hosted chat models, Ollama) make Score fail with ErrNoLogprobs; callers
// then grade by generation and letter extraction (exam's letter mode), as
// the CEM paper does for API models. Config.ScoreMode chooses: "logprobs",
// "letter", or "auto" (probe the server once).
//
// Generation uses /v1/chat/completions (the server's chat template) or
// /v1/completions with Config.PromptTemplate, per Config.GenerateMode.
//
// Every request goes through one path: a concurrency limit, a disk cache
// keyed by a hash of (base URL, model, endpoint, request body), retries
// with seeded exponential backoff and jitter on 429, 5xx, timeouts,
// dropped connections and malformed bodies, and per-call-site token and
// cost accounting (see WithSite and Model.Usage). The API key is read from
// the environment variable Config.APIKeyEnv and never appears in errors,
// logs or cache files.
package openai
