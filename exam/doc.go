// Package exam holds QA items and suites: the JSON Lines schema, loaders
// for quiz formats, builders that turn corpora into questions, prompting,
// answer extraction and grading.
package exam
