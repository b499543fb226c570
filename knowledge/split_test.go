package knowledge

import (
	"reflect"
	"testing"
)

// TestSplitSearches: per_source overrides k for the sources it names (0
// leaves one out) and the others are searched together with k.
func TestSplitSearches(t *testing.T) {
	all := []string{"elements", "gcide", "wordnet"}
	tests := []struct {
		name string
		s    Split
		want []search
	}{
		{"no per_source: one search of everything", Split{K: 4, Sources: all}, []search{{k: 4}}},
		{"one override, the rest with k", Split{K: 4, PerSource: map[string]int{"wordnet": 2}, Sources: all},
			[]search{{sources: []string{"wordnet"}, k: 2}, {sources: []string{"elements", "gcide"}, k: 4}}},
		{"0 leaves a source out", Split{K: 4, PerSource: map[string]int{"gcide": 0, "wordnet": 1}, Sources: all},
			[]search{{sources: []string{"wordnet"}, k: 1}, {sources: []string{"elements"}, k: 4}}},
		{"a source that cannot list its sources: only the named ones", Split{K: 4, PerSource: map[string]int{"wordnet": 2}},
			[]search{{sources: []string{"wordnet"}, k: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.searches(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("searches = %+v; want %+v", got, tt.want)
			}
		})
	}
}
