// Package exam holds QA items and suites: the JSON Lines schema
// (SCHEMA.md), loaders for quiz formats (bsdgames quiz(6) files,
// OpenTriviaQA), builders that turn corpora into questions (WordNet
// instances, Factbook fields), multiple-choice versions with seeded
// distractors, splits by fact or by variant, prompting, answer extraction
// and grading.
//
// Run is the exam stage of a CEM round: it asks a model.Model every item
// of a suite (multiple choice by likelihood or by letter, open questions
// by generation) and returns one graded Result per item, with the
// confidence the mistake miner uses to find right-but-unsure answers.
// Prompt is the one question template, shared with the training set
// builder so that the model is trained on what it is tested with.
package exam
