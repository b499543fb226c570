package knowledge_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cemlab/cem/demodata/democorpora"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/suitebuild"
)

// The benchmarks here print tables; run them once:
//
//	go test -run '^$' -bench Index -benchtime 1x ./knowledge

// benchCorpus is the full-size corpus.
var benchCorpus = []string{"wordnet", "gcide", "foldoc", "elements"}

// loadBench reads the named corpora and the quiz questions, or skips.
func loadBench(b *testing.B, names []string) ([]knowledge.Passage, []exam.Item) {
	b.Helper()
	paths := demotest.Paths(b)
	if slices.Contains(names, "factbook") {
		demotest.Factbook(b)
	}
	cs, _, err := democorpora.Load(context.Background(), paths, names)
	if err != nil {
		b.Fatal(err)
	}
	items, err := suitebuild.QuizItems(paths.QuizDir())
	if err != nil {
		b.Fatal(err)
	}
	return knowledge.Concat(cs), items
}

// searcher is what the evaluation needs from an engine: the texts of the
// top k passages for a query.
type searcher func(query string, k int) ([]string, error)

// evalResult is one row of the printed table.
type evalResult struct {
	name            string
	build           time.Duration
	sizeMiB         float64
	p50, p99        time.Duration
	recall, recallN int
	queries         int
}

// countryCapital reports whether it is a forward country-capital question.
func countryCapital(it exam.Item) bool {
	if it.Relation != "capital" || !strings.HasPrefix(it.Question, "What is the capital of") {
		return false
	}
	for _, f := range []string{"africa", "america", "asia", "europe"} {
		if strings.HasPrefix(it.Source, "bsdgames:"+f+":") {
			return true
		}
	}
	return false
}

// evaluate runs every quiz question once for latency and the country
// capital questions for recall@10: a question counts when one of the top
// ten passages contains the gold answer or an alias (compared as term
// sequences, so case and accents do not matter).
func evaluate(b *testing.B, s searcher, items []exam.Item, r *evalResult) {
	b.Helper()
	// Steady state: collect the build's garbage and warm the caches first.
	runtime.GC()
	for _, it := range items[:min(100, len(items))] {
		if _, err := s(it.Question, 10); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	for _, it := range items {
		texts := timedTop10(b, s, it, &lat)
		if !countryCapital(it) {
			continue
		}
		r.recallN++
		if containsAnswer(texts, it) {
			r.recall++
		}
	}
	slices.Sort(lat)
	r.queries = len(lat)
	r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
}

// timedTop10 returns the texts of the top ten passages for the item's
// question and appends the search's latency to lat.
func timedTop10(b *testing.B, s searcher, it exam.Item, lat *[]time.Duration) []string {
	b.Helper()
	t0 := time.Now()
	texts, err := s(it.Question, 10)
	*lat = append(*lat, time.Since(t0))
	if err != nil {
		b.Fatalf("%s: %v", it.ID, err)
	}
	return texts
}

func containsAnswer(texts []string, it exam.Item) bool {
	tok := knowledge.Tokenizer{}
	answers := append([]string{it.Answer.Text}, it.Aliases...)
	for _, t := range texts {
		terms := tok.Terms(t)
		for _, a := range answers {
			want := tok.Terms(a)
			if len(want) == 0 {
				continue
			}
			for i := 0; i+len(want) <= len(terms); i++ {
				if slices.Equal(terms[i:i+len(want)], want) {
					return true
				}
			}
		}
	}
	return false
}

// cemEngine builds the product index and returns its searcher.
func cemEngine(b *testing.B, ps []knowledge.Passage, opts knowledge.Options, r *evalResult) searcher {
	b.Helper()
	runtime.GC()
	t0 := time.Now()
	ix, err := knowledge.Build(context.Background(), ps, opts)
	if err != nil {
		b.Fatal(err)
	}
	r.build = time.Since(t0)
	path := filepath.Join(b.TempDir(), "bm25.idx")
	if err := ix.Save(path); err != nil {
		b.Fatal(err)
	}
	t0 = time.Now()
	if ix, err = knowledge.Open(path, opts); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: reopened %.0f MiB in %s", r.name, float64(ix.SizeBytes())/(1<<20), time.Since(t0).Round(time.Millisecond))
	r.sizeMiB = float64(ix.SizeBytes()) / (1 << 20)
	return func(q string, k int) ([]string, error) {
		hits, err := ix.Search(context.Background(), knowledge.Query{Text: q}, k)
		texts := make([]string, len(hits))
		for i, h := range hits {
			texts[i] = h.Title + "\n" + h.Text
		}
		return texts, err
	}
}

// printTable writes the comparison table to stdout.
func printTable(corpus string, passages int, rows []evalResult) {
	fmt.Printf("\ncorpus %s: %d passages, GOMAXPROCS %d\n", corpus, passages, runtime.GOMAXPROCS(0))
	fmt.Printf("%-22s %10s %10s %9s %9s %14s %8s\n", "engine", "build", "size MiB", "p50", "p99", "recall@10", "queries")
	for _, r := range rows {
		fmt.Printf("%-22s %10s %10.1f %9s %9s %6d/%-3d %.3f %8d\n", r.name, r.build.Round(time.Millisecond), r.sizeMiB,
			r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.recall, r.recallN,
			float64(r.recall)/float64(max(1, r.recallN)), r.queries)
	}
	fmt.Printf("peak memory (VmHWM): %s\n", vmHWM())
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// BenchmarkIndex builds the product index on the full demo corpus (with
// and without stemming, and with the Factbook added when present) and
// prints build time, size, query latency and capital recall@10.
func BenchmarkIndex(b *testing.B) {
	for _, corpus := range [][]string{benchCorpus, append(slices.Clone(benchCorpus), "factbook")} {
		ps, items := loadBench(b, corpus)
		var rows []evalResult
		for _, stem := range []bool{false, true} {
			r := evalResult{name: fmt.Sprintf("cem-bm25 stem=%v", stem)}
			s := cemEngine(b, ps, knowledge.Options{Stem: stem}, &r)
			evaluate(b, s, items, &r)
			rows = append(rows, r)
		}
		printTable(strings.Join(corpus, "+"), len(ps), rows)
		have, n := answerCoverage(ps, items)
		fmt.Printf("capital answers present anywhere in the corpus: %d/%d (%.3f), the ceiling of recall@10\n", have, n, float64(have)/float64(n))
	}
}

// answerCoverage counts the country-capital questions whose answer (or an
// alias) occurs in some passage at all.
func answerCoverage(ps []knowledge.Passage, items []exam.Item) (have, n int) {
	tok := knowledge.Tokenizer{}
	type phrase struct {
		item  int
		terms []string
	}
	byFirst := map[string][]phrase{}
	found := map[int]bool{}
	for i, it := range items {
		if !countryCapital(it) {
			continue
		}
		n++
		for _, a := range append([]string{it.Answer.Text}, it.Aliases...) {
			if t := tok.Terms(a); len(t) > 0 {
				byFirst[t[0]] = append(byFirst[t[0]], phrase{i, t})
			}
		}
	}
	for _, p := range ps {
		terms := tok.Terms(p.Title + "\n" + p.Text)
		for i, t := range terms {
			for _, ph := range byFirst[t] {
				if !found[ph.item] && i+len(ph.terms) <= len(terms) && slices.Equal(terms[i:i+len(ph.terms)], ph.terms) {
					found[ph.item] = true
				}
			}
		}
	}
	return len(found), n
}
