package knowledge

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// listSource returns fixed hits, best first, and counts the k asked.
type listSource struct {
	name  string
	hits  []Hit
	err   error
	asked []int
}

func (l *listSource) Name() string { return l.name }

func (l *listSource) Search(_ context.Context, _ Query, k int) ([]Hit, error) {
	l.asked = append(l.asked, k)
	return l.hits[:min(k, len(l.hits))], l.err
}

func hitsOf(source string, ids ...string) []Hit {
	var out []Hit
	for i, id := range ids {
		out = append(out, Hit{Passage: Passage{ID: id, Source: source}, Score: float64(100 - i)})
	}
	return out
}

func TestFusedReciprocalRank(t *testing.T) {
	ix := &listSource{name: "bm25", hits: append(hitsOf("factbook", "a", "b"), hitsOf("wordnet", "c")...)}
	wiki := &listSource{name: "wiki", hits: hitsOf("wiki", "x", "y", "z")}
	both := &listSource{name: "dup", hits: hitsOf("factbook", "b")}
	cases := []struct {
		name    string
		members []Member
		k       int
		want    []string
		score0  float64
	}{
		{"equal weights interleave by rank", []Member{{ix, 3, 1}, {wiki, 3, 1}}, 10,
			[]string{"a", "x", "b", "y", "c", "z"}, 1.0 / 61},
		{"weight lifts a source", []Member{{ix, 3, 1}, {wiki, 3, 3}}, 4,
			[]string{"x", "y", "z", "a"}, 3.0 / 61},
		{"found twice sums", []Member{{ix, 3, 1}, {wiki, 3, 1}, {both, 1, 1}}, 1,
			[]string{"b"}, 1.0/62 + 1.0/61},
		{"k 0 member is not searched", []Member{{ix, 0, 1}, {wiki, 2, 1}}, 10,
			[]string{"x", "y"}, 1.0 / 61},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &Fused{Members: tc.members}
			hits, err := f.Search(context.Background(), Query{Text: "q"}, tc.k)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.ID)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if math.Abs(hits[0].Score-tc.score0) > 1e-12 {
				t.Errorf("top score %g, want %g", hits[0].Score, tc.score0)
			}
		})
	}
	ix.asked = nil
	(&Fused{Members: []Member{{ix, 2, 1}}}).Search(context.Background(), Query{}, 1)
	if len(ix.asked) != 1 || ix.asked[0] != 2 {
		t.Errorf("member asked for %v hits, want its own k 2", ix.asked)
	}
	bad := &listSource{name: "broken", err: errors.New("down")}
	if _, err := (&Fused{Members: []Member{{ix, 1, 1}, {bad, 1, 1}}}).Search(context.Background(), Query{}, 3); err == nil ||
		!strings.Contains(err.Error(), "source broken: down") {
		t.Errorf("error %v, want one naming the source", err)
	}
}
