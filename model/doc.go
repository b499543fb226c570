// Package model defines what cem needs of a language model (Model) and of
// whatever trains one (Trainer). Backends live in sub-packages: native
// (the built-in engine), openai (any OpenAI-compatible server) and
// command (an external training program).
package model
