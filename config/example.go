package config

import _ "embed"

//go:embed example.yaml
var example []byte

// Example returns the commented example configuration `cem init` writes.
// It parses (with Parse) into a valid Config.
func Example() []byte { return append([]byte(nil), example...) }
