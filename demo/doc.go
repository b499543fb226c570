// Package demo runs cem's demonstration end to end on the demo data: it
// fetches the data when missing, builds the suites (exam, heldout probes,
// interference, ood, general), the BM25 index and a small native base
// model (each cached in the workspace), runs CEM rounds and the baselines
// (random and rag by default, see Options.Baselines; random-evidence at
// 1x, 2x and 5x CEM's loss-bearing tokens with Options.Efficiency), and
// writes the report with the baselines beside CEM. Without the Factbook it
// says so as a warning (Result.Warnings, every run's summary, the report).
// `cem demo` is a thin shell around Run.
//
// The set-up, and why:
//
//   - exam: forward multiple-choice questions about capitals ("What is the
//     capital of Chad?"), the facts the base model mostly lacks (200 of
//     the quiz data's 274 capital facts in the full demo); like the
//     probes', their distractors are answers of exam facts with the
//     gold's training status (pretrained or withheld), so round 0 starts
//     near chance, not below it;
//   - heldout: probes of the exam's facts, never mined: a paraphrase
//     (the same direction in a wording no training writer uses), the
//     reverse question ("N'Djamena is the capital of which country?")
//     and collateral facts about the same entity found in the passages
//     retrieval gets for the exam item (a country's region, a capital's
//     river, a Factbook field); distractors share the gold's
//     familiarity (pretrained or withheld exam facts);
//   - interference (role heldout): forward and reverse questions about
//     44 facts taught nowhere, reported as a loss with a ceiling, never
//     as gain; the metrics break both down by probe kind, mined status
//     and familiarity (rundir.PartMetrics);
//   - ood: chemical-element symbols, another domain;
//   - general: word-definition questions the base model was instruction
//     tuned on, which must not be forgotten.
//
// The base model is pre-trained on WordNet passages from which every
// passage naming a withheld fact (80% of the exam facts and every
// interference fact) has been removed, then instruction-tuned on definition
// questions in the exam's prompt format (the general suite is a subset of
// them) and on the capital questions of the remaining 30 facts, which are
// in no suite (review facts: questions it answers right).
//
// Unless Options.NoMixed is set (`cem demo --no-mixed`), the base
// model is also taught the skills the probes ask for, on facts outside every
// suite (mixed training, after Allen-Zhu and Li's Physics of LMs 3.1):
// reverse questions ("Copenhagen is the capital of which country?",
// "Which state or province has Munich as its capital?"), the review
// facts' collateral questions (region, river) and extractive examples
// (a passage and a forward or reverse question), about the review facts
// and the capitals WordNet glosses state about places no quiz capital
// fact names (their passages join pre-training). Examples naming a
// withheld fact or overlapping a suite item are left out; a share of
// them joins every round's general pool, so the skill is kept while new
// facts are learned.
//
// Each round trains once over a mix weighted towards keeping what the
// base knows: the base model's own instruction tuning is the pool of
// general examples (the general suite's items excepted: decontamination
// drops them), so the review facts' capital questions, with their right
// answers, are replayed every round, meant to counter the pull of the
// newly trained capitals on unrelated questions (interference); earlier
// rounds' examples are reviewed too, the general examples' loss is
// weighted 2 (mix.weights), and at most 150 mistakes are mined a round.
// The gate rolls back any round that loses more than 2 points on the
// general suite.
//
// Quick mode (tests) uses a much smaller model and suites; it checks the
// mechanics, and its numbers say little: its base model knows too little
// and forgets too easily to meet the targets.
package demo
