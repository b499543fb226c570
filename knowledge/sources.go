package knowledge

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cemlab/cem/demodata"
)

// DemoSources lists the corpus names LoadDemo knows, in load order.
var DemoSources = []string{"wordnet", "gcide", "foldoc", "elements", "factbook"}

// LoadReport tells how one corpus was loaded.
type LoadReport struct {
	Name     string
	Passages int
	Skipped  []Skip
	Took     time.Duration
}

// LoadDemo reads the named demo corpora (see DemoSources) from the data
// root described by paths, concurrently, and returns them in the order
// asked. "factbook" is read from demodata.FactbookDir. An unknown name or
// a missing or malformed file is an error naming the corpus.
func LoadDemo(ctx context.Context, paths demodata.Paths, names []string) ([]*Corpus, []LoadReport, error) {
	for _, n := range names {
		if !slices.Contains(DemoSources, n) {
			return nil, nil, fmt.Errorf("unknown source %q (known: %s)", n, strings.Join(DemoSources, ", "))
		}
	}
	out := make([]*Corpus, len(names))
	reports := make([]LoadReport, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			out[i], errs[i] = loadDemo(ctx, paths, name)
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

func loadDemo(ctx context.Context, paths demodata.Paths, name string) (*Corpus, error) {
	switch name {
	case "wordnet":
		return ReadWordNet(ctx, paths.WordNetDir())
	case "factbook":
		dir, err := demodata.FactbookDir()
		if err != nil {
			return nil, err
		}
		return ReadFactbook(ctx, dir)
	default:
		idx, data := paths.Dict(name)
		return ReadDict(name, idx, data)
	}
}

// Concat returns the passages of all corpora in order.
func Concat(corpora []*Corpus) []Passage {
	n := 0
	for _, c := range corpora {
		n += len(c.Passages)
	}
	out := make([]Passage, 0, n)
	for _, c := range corpora {
		out = append(out, c.Passages...)
	}
	return out
}
