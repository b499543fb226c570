package knowledge_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/factbookdocs"
	"github.com/cemlab/cem/internal/factbookwiki"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/docs"
	"github.com/cemlab/cem/knowledge/knowledgetest"
	"github.com/cemlab/cem/knowledge/mediawiki"
	"github.com/cemlab/cem/knowledge/web"
	"github.com/cemlab/cem/suitebuild"
)

// The per-source benchmark prints one table; run it once (it takes about
// ten minutes with the local wiki, most of it the wiki's and the web
// source's first, uncached pass):
//
//	. scripts/ci-mediawiki.sh   # optional: the MediaWiki and web rows
//	go test -run '^$' -bench Sources -benchtime 1x -timeout 60m ./knowledge

// envMediaWiki names the variable holding the local wiki's api.php URL
// (exported by scripts/ci-mediawiki.sh).
const envMediaWiki = "CEM_MEDIAWIKI_URL"

// sourceRow is one line of the per-source table: one source on one
// question set, searched twice (cold, then warm).
type sourceRow struct {
	source, data, questions string
	build                   time.Duration // 0: nothing to build here
	recall, n               int
	cold, warm              []time.Duration // per-query latency of each pass
	requests                [2]int64        // network requests of each pass; -1: no network
	hits                    int64           // cache hits of the warm pass
	note                    string          // why the row was not measured
}

// counter reports a source's network requests and cache hits so far.
type counter func() (requests, hits int64)

// passes searches every item twice with fresh sources from open (the
// second reads the cache the first filled) and fills the row's recall
// (of the first pass; the second must equal it), latencies and counts.
func passes(b *testing.B, open func() (searcher, counter), items []exam.Item, r *sourceRow) {
	b.Helper()
	r.n = len(items)
	for pass := range 2 {
		s, count := open()
		found := 0
		var lat []time.Duration
		for _, it := range items {
			if containsAnswer(timedTop10(b, s, it, &lat), it) {
				found++
			}
		}
		slices.Sort(lat)
		req, hits := int64(-1), int64(0)
		if count != nil {
			req, hits = count()
		}
		r.requests[pass] = req
		if pass == 0 {
			r.recall, r.cold = found, lat
		} else {
			r.warm, r.hits = lat, hits
			if found != r.recall {
				b.Errorf("%s on %s: the warm pass found %d answers, the cold one %d", r.source, r.questions, found, r.recall)
			}
		}
	}
}

// hitTexts turns hits into the texts containsAnswer reads.
func hitTexts(hits []knowledge.Hit) []string {
	texts := make([]string, len(hits))
	for i, h := range hits {
		texts[i] = h.Title + "\n" + h.Text
	}
	return texts
}

func sourceSearcher(s knowledge.Source) searcher {
	return func(q string, k int) ([]string, error) {
		hits, err := s.Search(context.Background(), knowledge.Query{Text: q}, k)
		return hitTexts(hits), err
	}
}

// factbookCapitals returns the Factbook's forward capital questions.
func factbookCapitals(b *testing.B) []exam.Item {
	countries, err := factbook.Open(demotest.Factbook(b))
	if err != nil {
		b.Fatal(err)
	}
	var out []exam.Item
	for _, it := range suitebuild.FactbookItems(countries) {
		if it.Relation == "capital" && strings.HasSuffix(it.ID, "-fwd") {
			out = append(out, it)
		}
	}
	return out
}

// BenchmarkSources measures each kind of knowledge source on the capital
// questions: the local BM25 index (the demo dictionaries, without and with
// the Factbook) on the demo quiz's country capitals and the Factbook's
// capitals, the local MediaWiki of Factbook articles
// (CEM_MEDIAWIKI_URL) and the web source over a SearXNG stand-in on
// loopback whose results are that wiki's rendered HTML pages. Each is
// searched twice: cold (empty cache, every answer over the network) and
// warm (fresh clients on the cache the cold pass filled).
func BenchmarkSources(b *testing.B) {
	demo, quiz := loadBench(b, benchCorpus)
	var quizCapitals []exam.Item
	for _, it := range quiz {
		if countryCapital(it) {
			quizCapitals = append(quizCapitals, it)
		}
	}
	fbQs := factbookCapitals(b)
	fb, err := knowledge.ReadFactbook(context.Background(), demotest.Factbook(b))
	if err != nil {
		b.Fatal(err)
	}
	var rows []sourceRow
	for _, withFB := range []bool{false, true} {
		ps, data := demo, strings.Join(benchCorpus, "+")
		if withFB {
			ps, data = append(slices.Clone(demo), fb.Passages...), data+"+factbook"
		}
		er := evalResult{name: data}
		s := cemEngine(b, ps, knowledge.Options{}, &er)
		for _, qs := range []struct {
			name  string
			items []exam.Item
		}{{"quiz capitals", quizCapitals}, {"factbook capitals", fbQs}} {
			r := sourceRow{source: "index (bm25)", data: fmt.Sprintf("%s, %d passages", data, len(ps)), questions: qs.name, build: er.build}
			passes(b, func() (searcher, counter) { return s, nil }, qs.items, &r)
			rows = append(rows, r)
		}
		ps, s = nil, nil
		runtime.GC()
	}
	rows = append(rows, docsRow(b, fbQs), mediawikiRow(b, fbQs), webRow(b, fb.Passages, fbQs))
	printSourceTable(rows)
}

// docsRow renders the Factbook as a team's documents (a third each HTML,
// PDF and DOCX; see internal/factbookdocs) and measures the docs source:
// build is reading the folder and indexing it; cold is the first pass
// over the reopened index, warm the second.
func docsRow(b *testing.B, items []exam.Item) sourceRow {
	r := sourceRow{source: "docs", data: "Factbook as HTML+PDF+DOCX", questions: "factbook capitals"}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		r.note = "pdftotext absent (Debian's poppler-utils)"
		return r
	}
	countries, err := factbook.Open(demotest.Factbook(b))
	if err != nil {
		b.Fatal(err)
	}
	dir, index := b.TempDir(), filepath.Join(b.TempDir(), "docs.idx")
	if _, err := factbookdocs.Render(context.Background(), countries, dir, nil); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	rep, err := docs.BuildIndex(context.Background(), docs.Config{Dir: dir, Source: "docs", License: "public-domain"}, index, knowledge.Options{})
	if err != nil {
		b.Fatal(err)
	}
	r.build = time.Since(t0)
	r.data = fmt.Sprintf("%s, %d files, %d passages", r.data, rep.Files, rep.Passages)
	ix, err := knowledge.Open(index, knowledge.Options{})
	if err != nil {
		b.Fatal(err)
	}
	passes(b, func() (searcher, counter) { return sourceSearcher(ix), nil }, items, &r)
	return r
}

func mediawikiRow(b *testing.B, items []exam.Item) sourceRow {
	r := sourceRow{source: "mediawiki", data: "local wiki, Factbook articles", questions: "factbook capitals"}
	api := os.Getenv(envMediaWiki)
	if api == "" {
		r.note = envMediaWiki + " unset (scripts/ci-mediawiki.sh starts the wiki)"
		return r
	}
	cache := b.TempDir()
	passes(b, func() (searcher, counter) {
		c, err := mediawiki.New(mediawiki.Config{API: api, Contact: "bench@localhost", License: "public-domain",
			CacheDir: cache, Rate: 500})
		if err != nil {
			b.Fatal(err)
		}
		return sourceSearcher(c), func() (int64, int64) { st := c.Stats(); return st.Requests, st.CacheHits }
	}, items, &r)
	return r
}

// webRow serves the wiki's rendered pages as the web: the SearXNG
// stand-in ranks the Factbook's passages and answers with the URLs of the
// pages they come from.
func webRow(b *testing.B, fb []knowledge.Passage, items []exam.Item) sourceRow {
	r := sourceRow{source: "web (searxng)", data: "wiki's HTML pages via a SearXNG stand-in", questions: "factbook capitals"}
	api := os.Getenv(envMediaWiki)
	if api == "" {
		r.note = envMediaWiki + " unset: no pages to serve"
		return r
	}
	pages := make([]knowledge.Passage, len(fb))
	for i, p := range fb {
		p.URL = factbookwiki.PageURL(api, p.Fields["country"])
		pages[i] = p
	}
	t0 := time.Now()
	engine, err := knowledgetest.NewSearXNG(pages)
	if err != nil {
		b.Fatal(err)
	}
	defer engine.Close()
	r.build = time.Since(t0)
	cache := b.TempDir()
	passes(b, func() (searcher, counter) {
		p, err := web.NewProvider("searxng", engine.URL, "")
		if err != nil {
			b.Fatal(err)
		}
		s, err := web.New(web.Config{Provider: p, Contact: "bench@localhost", License: "public-domain", CacheDir: cache, SearchRate: 100,
			Fetch: web.FetchConfig{AllowPrivate: true, Rate: 1e6}})
		if err != nil {
			b.Fatal(err)
		}
		return sourceSearcher(s), func() (int64, int64) { st := s.Stats(); return st.Requests, st.CacheHits }
	}, items, &r)
	return r
}

func printSourceTable(rows []sourceRow) {
	fmt.Printf("\nper-source retrieval, GOMAXPROCS %d\n", runtime.GOMAXPROCS(0))
	fmt.Println("| source | data | questions | build | recall@10 | cold p50 | cold p99 | warm p50 | warm p99 | requests cold | requests rerun | cache hits rerun |")
	fmt.Println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		if r.note != "" {
			fmt.Printf("| %s | %s | %s | not measured: %s |\n", r.source, r.data, r.questions, r.note)
			continue
		}
		build := "-"
		if r.build > 0 {
			build = r.build.Round(time.Millisecond).String()
		}
		req := func(n int64) string {
			if n < 0 {
				return "- (no network)"
			}
			return fmt.Sprint(n)
		}
		rate := "-"
		if r.requests[1] >= 0 && r.hits+r.requests[1] > 0 {
			rate = fmt.Sprintf("%d (%.1f%%)", r.hits, 100*float64(r.hits)/float64(r.hits+r.requests[1]))
		}
		fmt.Printf("| %s | %s | %s | %s | %d/%d %.3f | %s | %s | %s | %s | %s | %s | %s |\n", r.source, r.data, r.questions, build,
			r.recall, r.n, float64(r.recall)/float64(max(1, r.n)), pctl(r.cold, 50), pctl(r.cold, 99), pctl(r.warm, 50), pctl(r.warm, 99),
			req(r.requests[0]), req(r.requests[1]), rate)
	}
	fmt.Printf("peak memory (VmHWM): %s\n", vmHWM())
}

// pctl is the p-th percentile of sorted latencies.
func pctl(lat []time.Duration, p int) string {
	if len(lat) == 0 {
		return "-"
	}
	d := lat[min(len(lat)-1, len(lat)*p/100)]
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	default:
		return d.Round(100 * time.Microsecond).String()
	}
}
