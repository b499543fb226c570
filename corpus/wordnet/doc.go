// Package wordnet reads the Princeton WordNet 3.0 database files
// (data.noun, data.verb, data.adj, data.adv and the matching index.*
// files) as described in wndb(5WN).
//
// Open parses a whole database folder into memory: about 117,000 synsets
// with their lemmas, glosses (definition and usage examples separated) and
// typed pointers. Helpers follow pointers by symbol, for example
// InstanceHypernyms ("@i": Marie Curie is an instance of physicist),
// Hypernyms ("@") and PartHolonyms ("#p": Chad is part of Africa).
//
// Parse errors name the file and line: "data.noun:1234: bad pointer count".
// License header lines (those beginning with two spaces) are skipped, as
// the format defines.
package wordnet
