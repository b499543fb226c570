// Package jsonl reads and writes JSON Lines: one JSON value per line,
// UTF-8, with errors that name the file and line at fault.
package jsonl
