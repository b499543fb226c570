// Package demo runs cem's demonstration end to end on the demo data: it
// fetches the data when missing, builds the four suites (exam, heldout,
// ood, general), the BM25 index and a small native base model (each
// cached in the workspace), runs CEM rounds and the random baseline, and
// writes the report. `cem demo` is a thin shell around Run.
//
// The set-up, and why:
//
//   - exam: forward multiple-choice questions about capitals ("What is the
//     capital of Chad?"), the facts the base model mostly lacks;
//   - heldout: the reverse questions about the same facts ("N'Djamena is
//     the capital of which country?") plus forward questions about a few
//     facts the exam never asks (unmined items), never mined, so gains
//     there are knowledge, not memorised questions;
//   - ood: chemical-element symbols, another domain;
//   - general: word-definition questions the base model was instruction
//     tuned on, which must not be forgotten.
//
// The base model is pre-trained on WordNet passages from which every
// passage naming a withheld fact (80% of the exam facts) has been
// removed, then instruction-tuned on definition questions in the exam's
// prompt format (the general suite is a subset of them).
//
// Each round trains once over a mix weighted towards keeping what the
// base knows: the base model's own instruction tuning is the pool of
// general examples (the general suite's items excepted: decontamination
// drops them), and earlier rounds' examples are reviewed. The gate rolls
// back any round that loses more than 2 points on the general suite.
//
// Quick mode (tests) uses a much smaller model and suites; it checks the
// mechanics, and its numbers say little: its base model knows too little
// and forgets too easily to meet the targets.
package demo
