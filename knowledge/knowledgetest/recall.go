package knowledgetest

import (
	"context"
	"strings"
	"testing"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
)

// Searcher is what RecallAt10 needs of a source.
type Searcher interface {
	Search(ctx context.Context, q knowledge.Query, k int) ([]knowledge.Hit, error)
}

// RecallAt10 searches s for every item's question and returns the share
// of items whose gold answer appears (as exam.Normalize words) in the
// title or text of one of the first ten hits; a failed search stops the
// test.
func RecallAt10(t testing.TB, s Searcher, items []exam.Item) float64 {
	t.Helper()
	found := 0
	for _, it := range items {
		hits, err := s.Search(context.Background(), knowledge.Query{Text: it.Question}, 10)
		if err != nil {
			t.Fatalf("%s: %v", it.ID, err)
		}
		ans := " " + exam.Normalize(it.Answer.Text) + " "
		for _, h := range hits {
			if strings.Contains(" "+exam.Normalize(h.Title+" "+h.Text)+" ", ans) {
				found++
				break
			}
		}
	}
	return float64(found) / float64(max(1, len(items)))
}

// ForwardCapitals returns the forward capital questions of items (the
// Factbook's, from suitebuild.FactbookItems: relation capital, IDs ending
// in -fwd), in order: the recall measurements' question set.
func ForwardCapitals(items []exam.Item) []exam.Item {
	var out []exam.Item
	for _, it := range items {
		if it.Relation == "capital" && strings.HasSuffix(it.ID, "-fwd") {
			out = append(out, it)
		}
	}
	return out
}
