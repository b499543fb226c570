package workers

import (
	"slices"
	"testing"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/knowledge"
)

func TestConfiguredSources(t *testing.T) {
	corpus := []knowledge.Passage{{ID: "1", Source: "wordnet"}, {ID: "2", Source: "factbook"}, {ID: "3", Source: "wordnet"}}
	tests := []struct {
		name   string
		cfg    config.Config
		corpus []knowledge.Passage
		want   []string
	}{
		{"one corpus source", config.Config{}, corpus[:1], []string{"wordnet"}},
		{"index mixing two", config.Config{}, corpus, []string{"wordnet", "factbook"}},
		{"plus a wiki", config.Config{Sources: config.SourcesConfig{List: []config.SourceConfig{
			{Kind: config.SourceIndex, Name: "local"}, {Kind: config.SourceMediaWiki, Name: "wiki"}}}}, corpus[:1], []string{"wordnet", "wiki"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := configuredSources(&tt.cfg, tt.corpus); !slices.Equal(got, tt.want) {
				t.Errorf("configuredSources = %v; want %v", got, tt.want)
			}
		})
	}
}
