package docs_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/factbookdocs"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/docs"
	"github.com/cemlab/cem/suitebuild"
)

// factbookRow is one line of the printed table.
type factbookRow struct {
	reader          string
	files, passages int
	build           time.Duration
	recall          float64
}

// TestFactbookDocuments renders every eighth Factbook country as an HTML,
// PDF or DOCX file (a third each), indexes the folder and checks recall@10
// of the gold answer on their capital questions against the JSON
// reader's (within 0.03). BenchmarkFactbookDocuments measures the whole
// Factbook against the targets and prints the README's table.
func TestFactbookDocuments(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and indexes an eighth of the Factbook (a few seconds); not under -short")
	}
	measureFactbook(t, 8)
}

// BenchmarkFactbookDocuments renders the whole Factbook as documents,
// indexes them and prints build time, passages, files and recall@10
// against the JSON reader's; it fails when indexing takes over 60 s or
// recall differs by more than 0.03.
//
//	go test -run '^$' -bench FactbookDocuments -benchtime 1x ./knowledge/docs
func BenchmarkFactbookDocuments(b *testing.B) {
	for b.Loop() {
		measureFactbook(b, 1)
	}
}

// measureFactbook renders every n-th country, reads the folder with the
// documents reader and the same countries with the JSON reader, and
// compares them.
func measureFactbook(t testing.TB, every int) {
	dir := demotest.Factbook(t)
	demotest.PDFToText(t)
	all, err := factbook.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var countries []*factbook.Country
	codes := map[string]bool{}
	for i, c := range all {
		if i%every == 0 {
			countries = append(countries, c)
			codes[c.Code] = true
		}
	}
	ctx := context.Background()
	folder := t.TempDir()
	t0 := time.Now()
	counts, err := factbookdocs.Render(ctx, countries, folder, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rendered %v in %s", counts, time.Since(t0).Round(time.Millisecond))
	items := capitalQuestions(countries)

	t0 = time.Now()
	res, err := docs.Read(ctx, docs.Config{Dir: folder, Source: "factbook-docs", License: knowledge.LicenseFactbook}, docs.Previous{})
	if err != nil {
		t.Fatal(err)
	}
	dix, err := knowledge.Build(ctx, res.Passages, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	docRow := factbookRow{reader: "documents (html+pdf+docx)", files: res.Report.Files, passages: len(res.Passages), build: time.Since(t0)}
	for _, s := range res.Report.Skipped {
		t.Errorf("skipped %s", s)
	}

	t0 = time.Now()
	jc, err := knowledge.ReadFactbook(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var jps []knowledge.Passage
	for _, p := range jc.Passages {
		if codes[p.Fields["code"]] {
			jps = append(jps, p)
		}
	}
	jix, err := knowledge.Build(ctx, jps, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	jsonRow := factbookRow{reader: "Factbook JSON", files: len(countries), passages: len(jps), build: time.Since(t0)}
	docRow.recall = recallAt10(t, dix, items)
	jsonRow.recall = recallAt10(t, jix, items)

	fmt.Printf("\nFactbook (every %d. country) capital questions: %d; GOMAXPROCS %d\n", every, len(items), runtime.GOMAXPROCS(0))
	fmt.Printf("%-28s %6s %9s %10s %10s\n", "reader", "files", "passages", "build", "recall@10")
	for _, r := range []factbookRow{docRow, jsonRow} {
		fmt.Printf("%-28s %6d %9d %10s %10.3f\n", r.reader, r.files, r.passages, r.build.Round(time.Millisecond), r.recall)
	}
	if docRow.build > 60*time.Second {
		t.Errorf("indexing the documents took %s, want <= 60s", docRow.build)
	}
	if d := docRow.recall - jsonRow.recall; d < -0.03 || d > 0.03 {
		t.Errorf("recall@10: documents %.3f, JSON %.3f; want within 0.03", docRow.recall, jsonRow.recall)
	}
}

// capitalQuestions returns the Factbook's forward capital questions.
func capitalQuestions(countries []*factbook.Country) []exam.Item {
	var out []exam.Item
	for _, it := range suitebuild.FactbookItems(countries) {
		if it.Relation == "capital" && strings.HasSuffix(it.ID, "-fwd") {
			out = append(out, it)
		}
	}
	return out
}

// recallAt10 is the share of questions whose gold answer appears (as
// normalised words) in one of the top ten passages.
func recallAt10(t testing.TB, ix *knowledge.Index, items []exam.Item) float64 {
	t.Helper()
	found := 0
	for _, it := range items {
		hits, err := ix.Search(context.Background(), knowledge.Query{Text: it.Question}, 10)
		if err != nil {
			t.Fatal(err)
		}
		ans := " " + exam.Normalize(it.Answer.Text) + " "
		for _, h := range hits {
			if strings.Contains(" "+exam.Normalize(h.Title+" "+h.Text)+" ", ans) {
				found++
				break
			}
		}
	}
	return float64(found) / float64(max(1, len(items)))
}
