// Package suitebuild builds exam suites (see package exam) from corpora:
// loaders for quiz formats (bsdgames quiz(6) files, OpenTriviaQA),
// builders that turn corpora into questions (WordNet instances, Factbook
// fields), multiple-choice versions with seeded distractors, and splits
// by fact or by variant. BuildSuites ties them together for
// `cem suite build`.
//
// Every builder takes explicit folders; where the demo data live is
// package demodata's business.
package suitebuild
