// Package metrics scores CEM rounds: the accuracy matrix (round x suite)
// with Wilson 95 % intervals, gains over round 0, item churn (fixed and
// broken items), the targeted-fix rate, forgetting and backward transfer,
// McNemar tests of each round's change and weighted accuracy.
//
// Every function is pure: it reads per-item correctness maps (Outcomes,
// item id -> correct) and returns numbers. Nothing here reads files, logs
// or prints; the loop gathers outcomes from exam results and the report
// draws them.
//
// Conventions shared by all functions:
//
//   - Round 0 is the model before any CEM training (the baseline); round r
//     is the model after r rounds of training.
//   - Comparisons between two rounds (churn, McNemar, fix rate) use only
//     the item ids present in both; items added or dropped between rounds
//     are ignored rather than counted as wrong.
//   - Rates over an empty set are 0 with a zero denominator reported
//     alongside, never NaN.
//
// As the loop uses them: Forgetting is taken over the general suites'
// accuracy rows; BWT over the mined items (tasks[i] = the mistakes round i
// trained on), not over the general suite; McNemar is reported against
// the previous accepted round and against round 0 (the significance of
// each gain); and the gate reads the dev half of each general suite
// (SplitDevTest) while forgetting is reported on the test half.
package metrics
