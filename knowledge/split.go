package knowledge

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Split says how many hits a query takes from each source of a Source.
// PerSource overrides K for the sources it names (0: not searched); the
// sources it does not name are searched together for K hits when Sources
// lists them, else they are not searched. Without PerSource one search of
// everything takes K hits.
type Split struct {
	K         int
	PerSource map[string]int
	// Sources are the source names the Source holds (see SourcesOf).
	Sources []string
}

// SourcesOf lists the source names src holds when it can say (an *Index
// and a Fused can), else nil.
func SourcesOf(src Source) []string {
	if l, ok := src.(interface{ Sources() []string }); ok {
		return l.Sources()
	}
	return nil
}

// search is one Search call of a query: restricted to sources (nil: all),
// for k hits.
type search struct {
	sources []string
	k       int
}

// searches are the calls each query makes: the named sources in name
// order, then the rest together.
func (s Split) searches() []search {
	if len(s.PerSource) == 0 {
		return []search{{k: s.K}}
	}
	var out []search
	for _, n := range slices.Sorted(maps.Keys(s.PerSource)) {
		if k := s.PerSource[n]; k > 0 {
			out = append(out, search{sources: []string{n}, k: k})
		}
	}
	var rest []string
	for _, n := range s.Sources {
		if _, named := s.PerSource[n]; !named {
			rest = append(rest, n)
		}
	}
	if len(rest) > 0 && s.K > 0 {
		out = append(out, search{sources: rest, k: s.K})
	}
	return out
}

// Search runs q on src as s says and returns the hits of every search
// call in order (the named sources by name, then the rest); a passage
// two calls find comes back twice.
func (s Split) Search(ctx context.Context, src Source, q Query) ([]Hit, error) {
	var hits []Hit
	for _, c := range s.searches() {
		sq := q
		if c.sources != nil {
			sq.Sources = c.sources
		}
		h, err := src.Search(ctx, sq, c.k)
		if err != nil {
			if c.sources != nil {
				return nil, fmt.Errorf("query %q on %s: %w", q.Text, strings.Join(c.sources, ","), err)
			}
			return nil, fmt.Errorf("query %q: %w", q.Text, err)
		}
		hits = append(hits, h...)
	}
	return hits, nil
}
