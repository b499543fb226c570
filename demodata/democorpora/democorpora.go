// Package democorpora loads the demo's knowledge corpora: which corpora
// the demo knows, and where under a demodata data root each one lives.
// It is the one place that maps a corpus name to its files, shared by the
// demo and `cem index build`; package knowledge only has readers that take
// explicit paths.
package democorpora

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cemlab/cem/demodata"
	"github.com/cemlab/cem/knowledge"
)

// Names lists the corpus names Load knows, in load order.
var Names = []string{"wordnet", "gcide", "foldoc", "elements", "factbook"}

// LoadReport tells how one corpus was loaded.
type LoadReport struct {
	Name     string
	Passages int
	Skipped  []knowledge.Skip
	Took     time.Duration
}

// Load reads the named demo corpora (see Names) from the data
// root described by paths, concurrently, and returns them in the order
// asked. "factbook" is read from demodata.FactbookDir. An unknown name or
// a missing or malformed file is an error naming the corpus.
func Load(ctx context.Context, paths demodata.Paths, names []string) ([]*knowledge.Corpus, []LoadReport, error) {
	for _, n := range names {
		if !slices.Contains(Names, n) {
			return nil, nil, fmt.Errorf("unknown source %q (known: %s)", n, strings.Join(Names, ", "))
		}
	}
	out := make([]*knowledge.Corpus, len(names))
	reports := make([]LoadReport, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			out[i], errs[i] = loadOne(ctx, paths, name)
			if errs[i] == nil {
				reports[i] = LoadReport{Name: name, Passages: len(out[i].Passages), Skipped: out[i].Skipped, Took: time.Since(t0)}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, nil, fmt.Errorf("source %s: %w", names[i], err)
		}
	}
	return out, reports, nil
}

// loadOne reads the corpus called name.
func loadOne(ctx context.Context, paths demodata.Paths, name string) (*knowledge.Corpus, error) {
	switch name {
	case "wordnet":
		return knowledge.ReadWordNet(ctx, paths.WordNetDir())
	case "factbook":
		dir, err := demodata.FactbookDir()
		if err != nil {
			return nil, err
		}
		return knowledge.ReadFactbook(ctx, dir)
	default:
		idx, data := paths.Dict(name)
		return knowledge.ReadDict(name, idx, data)
	}
}
