// Package exam holds QA items and suites: the JSON Lines schema
// (SCHEMA.md), reading and writing suite and result files, suite
// statistics, prompting, answer extraction and grading. Building suites
// from corpora is package suitebuild's job.
//
// Run is the exam stage of a CEM round: it asks a model.Model every item
// of a suite (multiple choice by likelihood or by letter, open questions
// by generation) and returns one graded Result per item, with the
// confidence the mistake miner uses to find right-but-unsure answers.
// Prompt is the one question template, shared with the training set
// builder so that the model is trained on what it is tested with.
package exam
