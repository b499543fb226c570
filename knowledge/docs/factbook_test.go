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

// TestFactbookDocuments renders the Factbook as one HTML, PDF or DOCX
// file per country (a third each), indexes the folder and checks the
// issue's targets: indexing in <= 60 s, and recall@10 of the gold answer
// on the Factbook capital questions within 0.03 of the JSON reader's. It
// prints the table the README quotes.
func TestFactbookDocuments(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and indexes the whole Factbook (about 10 s); not under -short")
	}
	dir := demotest.Factbook(t)
	pdftotext(t)
	countries, err := factbook.Open(dir)
	if err != nil {
		t.Fatal(err)
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
	jix, err := knowledge.Build(ctx, jc.Passages, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	jsonRow := factbookRow{reader: "Factbook JSON", files: len(countries), passages: len(jc.Passages), build: time.Since(t0)}
	docRow.recall = recallAt10(t, dix, items)
	jsonRow.recall = recallAt10(t, jix, items)

	fmt.Printf("\nFactbook capital questions: %d; GOMAXPROCS %d\n", len(items), runtime.GOMAXPROCS(0))
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
func recallAt10(t *testing.T, ix *knowledge.Index, items []exam.Item) float64 {
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
