// Package trainset builds a round's training set from its evidence: the
// CEM mix of continual pre-training text (CPT) and continual instruction
// tuning examples (CIT), with replay against forgetting.
//
// Example kinds (model.Example.Kind):
//
//	cpt         an evidence passage as plain text (loss on every token)
//	normative   a question in the exam's own format, written from the
//	            evidence, answered with the gold answer
//	extractive  the passage plus a question; the answer comes from it
//	review      an example replayed from an earlier round
//	general     a general instruction example (e.g. word definitions)
//	replay      plain text from a general corpus (CPT replay)
//
// Mix sets the ratios and the budget; Builder.Build draws each kind up to
// its share, drops every example that overlaps an exam item (through a
// curate.Decontaminator) and shuffles with the mix's seed. The Manifest
// records targets, realised counts and tokens per kind and the provenance
// of every example. Random builds the matched random-text baseline, and
// Mix.Ablate the cpt-only, cit-only and no-replay ablations.
package trainset
