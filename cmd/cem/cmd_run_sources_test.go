package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/suitebuild"
)

// TestRunMediaWikiAndIndex runs one round of `cem run` whose config lists
// a local index and the local MediaWiki started by
// scripts/ci-mediawiki.sh, and checks that both sources were searched
// and that kept evidence from the wiki carries its provenance.
func TestRunMediaWikiAndIndex(t *testing.T) {
	skipOnPortableKernels(t)
	api := os.Getenv("CEM_MEDIAWIKI_URL")
	if api == "" {
		t.Skip("CEM_MEDIAWIKI_URL is not set: no local MediaWiki (scripts/ci-mediawiki.sh starts one where Debian's mediawiki package installs); skipping")
	}
	fb := demotest.Factbook(t)
	countries, err := factbook.Open(fb)
	if err != nil {
		t.Fatal(err)
	}
	var items []exam.Item
	for _, it := range suitebuild.FactbookItems(countries) {
		if it.Relation == "capital" && strings.HasSuffix(it.ID, "-fwd") && slices.Contains([]string{"Chad", "France", "Peru"}, it.Subject) {
			items = append(items, it)
		}
	}
	if len(items) != 3 {
		t.Fatalf("%d capital items, want 3", len(items))
	}
	dir := t.TempDir()
	suite := filepath.Join(dir, "exam.jsonl")
	if err := exam.WriteSuite(suite, items); err != nil {
		t.Fatal(err)
	}
	notes := []knowledge.Passage{
		{ID: "notes:1", Source: "notes", Title: "Chad", Text: "N'Djamena is the capital of Chad.", License: "public-domain"},
		{ID: "notes:2", Source: "notes", Title: "Peru", Text: "Lima is the capital of Peru.", License: "public-domain"},
		{ID: "notes:3", Source: "notes", Title: "France", Text: "Paris is the capital of France.", License: "public-domain"},
	}
	ix, err := knowledge.Build(context.Background(), notes, knowledge.Options{Name: "notes"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Save(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(dir, "corpus.txt")
	os.WriteFile(corpus, []byte("The capital of Chad is N'Djamena.\n\nThe capital of Peru is Lima.\n"), 0o644)
	var out bytes.Buffer
	if err := runModelNew(context.Background(), modelTrainOptions{Size: "tiny", Corpus: []string{corpus}, Out: filepath.Join(dir, "base"),
		Steps: 2, BatchTokens: 256, SeqLen: 64, LR: 1e-3, LogEvery: 1}, &out); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`name: wiki-run
rounds: 1
model: {path: base}
trainer: {epochs: 1}
suites:
  - {path: exam.jsonl, role: exam}
sources:
  list:
    - {kind: index, path: index, k: 2}
    - {kind: mediawiki, name: wiki, api: %q, contact: ci@localhost, cache: wiki-cache, rate: 200, k: 3, weight: 2}
`, api)
	path := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if err := runRun(context.Background(), runOptions{Out: run, Rounds: 1, Index: filepath.Join(dir, "runs.sqlite")}, path, &out); err != nil {
		t.Fatalf("cem run: %v\n%s", err, out.String())
	}
	verdicts, err := rundir.ReadJSONL[curate.Verdict](filepath.Join(run, "round-1", "curation.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	searched := map[string]int{}
	wikiKept := 0
	for _, v := range verdicts {
		searched[v.Source]++
		if v.Keep && v.Source == "wiki" {
			wikiKept++
			if v.Fields["revid"] == "" || !strings.Contains(v.URL, "#") || v.License != "CC-BY-SA-4.0" || v.Fields["page"] == "" {
				t.Errorf("wiki evidence %s lacks provenance: url %q licence %q fields %v", v.ID, v.URL, v.License, v.Fields)
			}
		}
	}
	t.Logf("candidates by source %v; %d kept from the wiki", searched, wikiKept)
	if searched["notes"] == 0 || searched["wiki"] == 0 || wikiKept == 0 {
		t.Errorf("candidates by source %v, %d kept from the wiki: want both sources searched and wiki evidence kept", searched, wikiKept)
	}
}
