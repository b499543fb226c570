// Package review is the human review that gates training: each round a
// seeded sample of every source's kept passages is drawn for a person to
// check (Sample, written to the run folder by the loop), the person
// approves or rejects them (Decide, from `cem review` or `cem ui`), and
// the decisions are applied to curation's verdicts (Apply): a rejected
// passage is dropped (filter "review"), and a source whose decided sample
// is rejected above curation.review.max_reject_rate loses all its
// evidence for the round (filter "review-source").
//
// The sample and the decisions live in the run folder, at
// rundir.ReviewSamplePath and rundir.ReviewDecisionsPath; decisions are
// written atomically while the run folder is locked (internal/runlock),
// so a decision is refused while a cem process writes the run.
package review
