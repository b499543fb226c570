// Package config describes one CEM run in a single YAML file: the model
// and trainer backends, the exam suites and their roles, the knowledge
// sources, curation, the training-set mix, the number of rounds, the gate
// that rolls a bad round back, the seed and the baseline mode.
//
// Load decodes strictly: an unknown key, a value of the wrong type or a
// value out of range is an error that names the key and its line. A zero
// Config is valid after ApplyDefaults; the defaults and the reasons for
// them live in one place, (*Config).ApplyDefaults.
//
// Example returns a commented example file (what `cem init` writes).
package config
