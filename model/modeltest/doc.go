// Package modeltest holds fakes for tests of code that uses models:
//
//   - Toy, a tiny deterministic language model (word tokens, hashed
//     log-probabilities) that is both a model.Model and a serve.Engine, so
//     a test can compare a backend's scores with the model's own;
//   - Scripted, a model.Model that answers from tables and functions and
//     records its calls;
//   - Server, an httptest.Server speaking the OpenAI API (via package
//     serve) with switches that simulate what real servers do wrong: rate
//     limits, server errors, slow answers, malformed JSON, no prompt
//     log-probabilities, a required API key;
//   - for trainers' tests: RoundSet, a small training set in a round's
//     folder; Lines, output lines gathered across goroutines; TrainChild
//     and StartTrainChild, a training in a child process to kill.
package modeltest
