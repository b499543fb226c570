// Package trainset builds a round's training set from its evidence: the
// CEM mix of continual pre-training text (CPT) and continual instruction
// tuning examples (CIT), with replay against forgetting.
//
// Example kinds (model.Example.Kind):
//
//	cpt         an evidence passage as plain text (loss on every token)
//	augment     the passage's facts restated in several forms and both
//	            entity orders, as plain text (see Facts, Restate, Augment;
//	            LLMParaphraser adds paraphrases)
//	normative   a question in the exam's own format, written from the
//	            evidence (the item's fields, its question restated, the
//	            passage's statements), answered with the gold answer;
//	            written only when the passage states that answer
//	            (StatesAnswer), so no answer comes from the answer key alone
//	extractive  the passage plus a question; the answer comes from it
//	review      an example replayed from an earlier round
//	general     a general instruction example (e.g. word definitions)
//	replay      plain text from a general corpus (CPT replay)
//
// Mix sets the ratios and the budget; Builder.Build draws each kind up to
// its share, drops every example (and every augmentation statement) that
// overlaps an exam item (through a curate.Decontaminator) and shuffles
// with the mix's seed. The Manifest
// records targets, realised counts and tokens per kind and the provenance
// of every example. Random builds the matched random-text baseline, and
// Mix.Ablate the cpt-only, cit-only and no-replay ablations.
//
// Augmentation follows the reversal curse (Berglund et al. 2023: a
// model trained on "A is B" does not learn "B is A") and Allen-Zhu and
// Li (Physics of Language Models 3.1: knowledge stated in varied forms
// becomes extractable): each fact is stated head first and the other
// entity first, in sentence reorderings, from the passage's text alone,
// so it works for any item, with or without subject and relation fields.
package trainset
