// Package rundir owns a run folder: its layout, the records its files
// hold and the functions that read and write them. The loop writes run
// folders through it; the report, the run index (store), export and the
// commands read them through it, so none of them formats a path by hand.
//
// Layout of a run folder:
//
//	<run>/config.yaml                the configuration the run was started with
//	<run>/run.json                   name, seed, baseline, rounds (RunInfo)
//	<run>/.cem.lock                  held while a cem process writes the folder
//	<run>/round-<r>/<stage>.jsonl    a stage's artifact (round 0: exam only)
//	<run>/round-<r>/<stage>.manifest.json
//	<run>/round-<r>/train/           what the trainer wrote (a checkpoint, job records)
//	<run>/round-<r>/metrics.json     the round's RoundMetrics
//	<run>/round-<r>/review-sample.jsonl    passages drawn for human review (curation.review)
//	<run>/round-<r>/review-decisions.jsonl the reviewers' decisions (cem review)
//	<run>/metrics.json               the Summary: every round's metrics (no wall
//	                                 times: two runs with one seed write the same bytes)
//	<run>/timings.json               wall time per stage and round
package rundir
