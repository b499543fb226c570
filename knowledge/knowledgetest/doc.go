// Package knowledgetest is a conformance suite for knowledge.Source
// implementations: every Source (the BM25 index, and later encyclopedia
// or web search backends) runs the same checks on its own queries; and
// Fixed, a Source of fixed passages for tests of what uses a Source.
package knowledgetest
