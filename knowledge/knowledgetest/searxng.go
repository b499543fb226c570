package knowledgetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/cemlab/cem/knowledge"
)

// SearXNG is a loopback stand-in for a SearXNG instance: it answers
// GET /search?q=…&format=json in SearXNG's documented JSON format
// (query, number_of_results, results with url, title, content, engine,
// engines, score and category, and the empty answers, corrections,
// infoboxes, suggestions and unresponsive_engines lists). Its "engine" is
// cem's BM25 over the passages it was given: the best 100 passages for the
// query are grouped by URL, and each distinct URL is one result, best
// first, with the best passage's title and a snippet as content. Point
// the passages' URLs at real pages served on loopback and the web source
// fetches and extracts those pages. It is safe for concurrent use.
type SearXNG struct {
	*httptest.Server
	ix       *knowledge.Index
	requests atomic.Int64
}

// NewSearXNG indexes ps and starts the server; Close stops it. It fails
// when ps cannot be indexed.
func NewSearXNG(ps []knowledge.Passage) (*SearXNG, error) {
	ix, err := knowledge.Build(context.Background(), ps, knowledge.Options{Name: "searxng-standin"})
	if err != nil {
		return nil, fmt.Errorf("searxng stand-in: %w", err)
	}
	s := &SearXNG{ix: ix}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s, nil
}

// Requests is the number of search requests answered so far.
func (s *SearXNG) Requests() int64 { return s.requests.Load() }

// maxResults is the most results one answer lists (SearXNG's first page
// holds about as many).
const maxResults = 20

func (s *SearXNG) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	q := r.URL.Query().Get("q")
	if r.URL.Path != "/search" || r.URL.Query().Get("format") != "json" || q == "" {
		http.Error(w, "want /search?q=…&format=json", http.StatusBadRequest)
		return
	}
	hits, err := s.ix.Search(r.Context(), knowledge.Query{Text: q}, 100)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	results := []map[string]any{}
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.URL] || len(results) == maxResults {
			continue
		}
		seen[h.URL] = true
		results = append(results, map[string]any{"url": h.URL, "title": h.Title,
			"content": knowledge.Snippet(h.Text, q, 200), "engine": "cem-bm25", "engines": []string{"cem-bm25"},
			"score": h.Score, "category": "general", "positions": []int{len(results) + 1}})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"query": q, "number_of_results": len(results),
		"results": results, "answers": []any{}, "corrections": []any{}, "infoboxes": []any{},
		"suggestions": []any{}, "unresponsive_engines": []any{}})
}
