// Package knowledgetest is a conformance suite for knowledge.Source
// implementations: every Source (the BM25 index, and later encyclopedia
// or web search backends) runs the same checks on its own queries.
package knowledgetest
