// Package store is an SQLite index (modernc.org/sqlite, pure Go) of runs,
// rounds, graded items and metrics, for queries and the UI. It is only an
// index: the run folders are the record, and every table can be rebuilt
// from them (DB.Reindex). Writes are idempotent upserts, so indexing a
// round twice, as a resumed run does, leaves one copy.
//
// Schema:
//
//	runs(run, name, dir, baseline, seed, updated)
//	rounds(run, round, accepted, reasons)
//	items(run, round, suite, item, correct, confidence, margin, prediction)
//	metrics(run, round, suite, name, value)
//
// run is the run folder's absolute path; suite is "" for run-level metrics.
package store
