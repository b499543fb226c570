// Package knowledge finds text about what a model got wrong.
//
// It defines the Source interface and its kinds (a local corpus searched
// with Okapi BM25, and later encyclopedia and web search backends), plus
// the readers that turn corpora on disk (WordNet, dictd dictionaries, the
// CIA World Factbook, JSON Lines, folders of text) into Passages.
package knowledge
