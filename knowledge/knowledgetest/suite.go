package knowledgetest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/knowledge"
)

// Case is one query a Source must answer: Want is a passage ID that must
// be among the first Within hits (Within 0 means 10).
type Case struct {
	Query  knowledge.Query
	Want   string
	Within int
}

// TestSource runs the conformance checks against s:
//   - each case's Want is found within its rank limit;
//   - no more than k hits come back, scores never increase down the list,
//     and every hit has an ID, a Source and text;
//   - a Query.Sources filter is obeyed;
//   - the same query twice gives the same hits (determinism);
//   - k <= 0 and a query of no words give no hits and no error;
//   - a cancelled context gives an error wrapping context.Canceled, or
//     no hits.
func TestSource(t *testing.T, s knowledge.Source, cases []Case) {
	t.Helper()
	ctx := context.Background()
	if s.Name() == "" {
		t.Error("Name() is empty")
	}
	for _, c := range cases {
		t.Run(c.Query.Text, func(t *testing.T) {
			within := c.Within
			if within == 0 {
				within = 10
			}
			hits, err := s.Search(ctx, c.Query, within)
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			checkHits(t, hits, within, c.Query.Sources)
			if !slices.ContainsFunc(hits, func(h knowledge.Hit) bool { return h.ID == c.Want }) {
				t.Errorf("Search(%q) did not return %s within %d: %s", c.Query.Text, c.Want, within, ids(hits))
			}
			again, err := s.Search(ctx, c.Query, within)
			if err != nil || !reflect.DeepEqual(hits, again) {
				t.Errorf("second identical search differs: %s then %s (%v)", ids(hits), ids(again), err)
			}
			if len(hits) > 1 {
				fewer, err := s.Search(ctx, c.Query, 1)
				if err != nil || len(fewer) != 1 || fewer[0].ID != hits[0].ID {
					t.Errorf("k=1 gave %s (%v); want the first hit %s", ids(fewer), err, hits[0].ID)
				}
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		for _, q := range []knowledge.Query{{Text: ""}, {Text: "  ?!  "}} {
			if hits, err := s.Search(ctx, q, 10); err != nil || len(hits) != 0 {
				t.Errorf("Search(%q) = %d hits, %v; want none, no error", q.Text, len(hits), err)
			}
		}
		if len(cases) > 0 {
			if hits, err := s.Search(ctx, cases[0].Query, 0); err != nil || len(hits) != 0 {
				t.Errorf("k=0: %d hits, %v; want none, no error", len(hits), err)
			}
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		if len(cases) == 0 {
			t.Skip("no cases")
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		hits, err := s.Search(cctx, cases[0].Query, 10)
		if err == nil && len(hits) > 0 {
			t.Errorf("cancelled search returned %d hits and no error", len(hits))
		}
	})
}

// checkHits checks the shape of one result list.
func checkHits(t *testing.T, hits []knowledge.Hit, k int, sources []string) {
	t.Helper()
	if len(hits) > k {
		t.Errorf("%d hits; want at most %d", len(hits), k)
	}
	for i, h := range hits {
		if h.ID == "" || h.Source == "" || strings.TrimSpace(h.Text) == "" {
			t.Errorf("hit %d lacks an ID, Source or Text: %+v", i, h.Passage)
		}
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("hit %d score %g is above hit %d's %g", i, h.Score, i-1, hits[i-1].Score)
		}
		if len(sources) > 0 && !slices.Contains(sources, h.Source) {
			t.Errorf("hit %d from %s; the query allows only %v", i, h.Source, sources)
		}
	}
}

func ids(hits []knowledge.Hit) string {
	var s []string
	for _, h := range hits {
		s = append(s, h.ID)
	}
	return "[" + strings.Join(s, " ") + "]"
}
