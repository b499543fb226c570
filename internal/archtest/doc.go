// Package archtest holds no code: its test checks that the module's imports
// point one way, down the layer table of docs/architecture.md.
package archtest
