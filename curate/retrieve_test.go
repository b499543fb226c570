package curate_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/knowledgetest"
	"github.com/cemlab/cem/mistake"
)

// TestRetrieve: k hits per query (or per source), one candidate per
// mistake and passage, credited to the query that scored it best.
func TestRetrieve(t *testing.T) {
	src := knowledgetest.Fixed{Passages: []knowledge.Passage{{ID: "a1", Source: "a"}, {ID: "a2", Source: "a"}, {ID: "b1", Source: "b"}},
		Boost: map[string]float64{"boost": 10}}
	qs := []mistake.Query{
		{MistakeID: "m1", Query: knowledge.Query{Text: "first"}},
		{MistakeID: "m1", Query: knowledge.Query{Text: "boost"}},
		{MistakeID: "m2", Query: knowledge.Query{Text: "other"}},
	}
	tests := []struct {
		name      string
		split     knowledge.Split
		want      []string // mistake/passage of each candidate, in order
		bestQuery string   // the query credited for m1/a1
	}{
		{"k per query", knowledge.Split{K: 2}, []string{"m1/a1", "m1/a2", "m2/a1", "m2/a2"}, "boost"},
		{"per source", knowledge.Split{K: 9, PerSource: map[string]int{"a": 1, "b": 0}}, []string{"m1/a1", "m2/a1"}, "boost"},
		{"per source and the rest", knowledge.Split{K: 1, PerSource: map[string]int{"a": 1}, Sources: []string{"a", "b"}},
			[]string{"m1/a1", "m1/b1", "m2/a1", "m2/b1"}, "boost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := curate.Retrieve(context.Background(), src, tt.split, qs)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, c := range got {
				keys = append(keys, c.MistakeID+"/"+c.ID)
			}
			if !slices.Equal(keys, tt.want) {
				t.Errorf("candidates = %v; want %v", keys, tt.want)
			}
			if got[0].Query != tt.bestQuery || got[0].Score < 10 {
				t.Errorf("m1/a1 credited to %q with score %v; want %q with the boosted score", got[0].Query, got[0].Score, tt.bestQuery)
			}
		})
	}
}
