package knowledgetest

import (
	"fmt"
	"testing"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
)

// TestRecallAt10 counts an answer found only in the first ten hits, in a
// title or a text, with accents and case folded.
func TestRecallAt10(t *testing.T) {
	var ps []knowledge.Passage
	for i := range 10 {
		ps = append(ps, knowledge.Passage{ID: fmt.Sprint(i), Text: "filler"})
	}
	ps[3].Text = "The capital of Chad is N'Djamena."
	ps[7].Title = "Lima"
	ps = append(ps, knowledge.Passage{ID: "late", Text: "Paris"})
	items := []exam.Item{
		{ID: "chad", Question: "q", Answer: exam.Answer{Text: "n'djamena"}},
		{ID: "peru", Question: "q", Answer: exam.Answer{Text: "Lima"}},
		{ID: "france", Question: "q", Answer: exam.Answer{Text: "Paris"}},
		{ID: "none", Question: "q", Answer: exam.Answer{Text: "Atlantis"}},
	}
	if got := RecallAt10(t, Fixed{Passages: ps}, items); got != 0.5 {
		t.Errorf("RecallAt10 = %v; want 0.5 (Paris is the 11th hit)", got)
	}
	if got := RecallAt10(t, Fixed{}, nil); got != 0 {
		t.Errorf("RecallAt10 of no items = %v; want 0", got)
	}
}

func TestForwardCapitals(t *testing.T) {
	items := []exam.Item{{ID: "td-capital-fwd", Relation: "capital"}, {ID: "td-capital-rev", Relation: "capital"},
		{ID: "td-area-fwd", Relation: "area"}, {ID: "pe-capital-fwd", Relation: "capital"}}
	got := ForwardCapitals(items)
	if len(got) != 2 || got[0].ID != "td-capital-fwd" || got[1].ID != "pe-capital-fwd" {
		t.Errorf("ForwardCapitals = %v; want the two forward capital items in order", got)
	}
}
