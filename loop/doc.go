// Package loop runs CEM rounds: it calls the stages in order (exam,
// mistakes, queries, retrieval, curation, trainset, train, re-exam,
// metrics, gate), writes each stage's artifact under
// <run>/round-<r>/<stage>.jsonl with a small manifest holding the hash of
// the stage's inputs and settings, and skips a stage whose hash is
// unchanged. A run killed at any point therefore resumes where it stopped
// and, the stages being deterministic for a seed, reaches the same final
// metrics as an uninterrupted run.
//
// The stages themselves live in other packages (exam, mistake, knowledge,
// curate, trainset, model backends); loop sees them through the small
// role interfaces gathered in Workers, so it knows the order and the
// bookkeeping, not how any stage works.
//
// Layout of a run folder:
//
//	<run>/config.yaml              the configuration the run was started with
//	<run>/run.json                 name, seed, baseline, rounds
//	<run>/round-0/exam.jsonl       the base model on every suite
//	<run>/round-<r>/mistakes.jsonl ... train.jsonl, exam.jsonl, metrics.json
//	<run>/round-<r>/<stage>.manifest.json   input hash, artifact hash, and the
//	                               tree hash of other outputs (the train
//	                               stage's checkpoint folder)
//	<run>/round-<r>/train/model/   the round's trained checkpoint
//	<run>/.cem.lock                the lock of the process running the folder
//	<run>/metrics.json             every round's metrics (no wall times: two runs
//	                               with the same seed write the same bytes)
//	<run>/timings.json             wall time per stage and round
package loop
