package knowledge

import "context"

// Passage is one retrievable unit of text with its provenance.
type Passage struct {
	ID      string `json:"id"`                // unique within its source, e.g. "wordnet:n08953655"
	Source  string `json:"source"`            // corpus name: "wordnet", "gcide", "foldoc", "elements", "factbook", ...
	Title   string `json:"title,omitempty"`   // headword, synset lemmas, field path
	Text    string `json:"text"`              // plain text, no markup
	URL     string `json:"url,omitempty"`     // URL or locator (file:offset) of the original
	License string `json:"license,omitempty"` // SPDX-like licence name of the source
	// Fields holds structured data kept from the source: for WordNet
	// "instance_of", "part_of", "lemmas"; for the Factbook "section", "field".
	// Multiple values are joined with "|".
	Fields map[string]string `json:"fields,omitempty"`
}

// Query is one search request, usually derived from a knowledge point.
type Query struct {
	Text string `json:"text"`
	// Sources, when non-empty, restricts the search to these source names.
	Sources []string `json:"sources,omitempty"`
}

// Hit is a passage returned by a search with its score.
type Hit struct {
	Passage
	Score float64 `json:"score"`
}

// Source is anything that can be searched for passages.
type Source interface {
	// Name identifies the source in provenance records.
	Name() string
	// Search returns at most k hits, best first.
	Search(ctx context.Context, q Query, k int) ([]Hit, error)
}
