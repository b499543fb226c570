// Package ui is `cem ui`: a local web dashboard over run folders and the
// run index. It serves plain server-rendered HTML (html/template, assets
// embedded in the binary, a little script): the runs (filter, sort,
// compare two side by side), one run (the report's per-round table and
// charts, refreshed while the run writes it), one item (its question,
// the pick and confidence per round, the mistake, queries, evidence with
// provenance and the training examples made from it) and the review
// queue. Pages are read-only; actions (approve, reject) need the
// server's token and otherwise answer 403 and change nothing.
//
// The dashboard reads run folders through rundir and the index through
// store; it draws charts with report's functions.
package ui
