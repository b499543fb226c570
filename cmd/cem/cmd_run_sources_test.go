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
	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/factbookdocs"
	"github.com/cemlab/cem/internal/factbookwiki"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/knowledgetest"
	"github.com/cemlab/cem/suitebuild"
)

// sourcesCountries are the Factbook profiles whose capital questions the
// sources tests examine.
var sourcesCountries = []string{"Chad", "France", "Peru"}

// sourceEntry is one entry of a test run's sources.list and what the
// run's evidence from it must carry.
type sourceEntry struct {
	name string // the source name its passages carry
	yaml string // the entry, one YAML flow mapping
	// provenance checks one kept passage of the source; "" when it has
	// all the provenance the source records.
	provenance func(v curate.Verdict) string
}

// localWikiAPI returns the local wiki's api.php URL, or skips the test.
func localWikiAPI(t *testing.T) string {
	t.Helper()
	api := os.Getenv("CEM_MEDIAWIKI_URL")
	if api == "" {
		t.Skip("CEM_MEDIAWIKI_URL is not set: no local MediaWiki (scripts/ci-mediawiki.sh starts one where Debian's mediawiki package installs); skipping")
	}
	return api
}

// indexEntry builds a three-passage index of notes in dir (the Chad note
// holds an e-mail address, for curation's PII filter to redact); rank
// holds the entry's k and weight keys.
func indexEntry(t *testing.T, dir, rank string) sourceEntry {
	t.Helper()
	var notes []knowledge.Passage
	for i, c := range [][3]string{{"Chad", "N'Djamena", " Ask the desk officer, j.doe@embassy.example.org."}, {"Peru", "Lima"}, {"France", "Paris"}} {
		notes = append(notes, knowledge.Passage{ID: fmt.Sprintf("notes:%d", i+1), Source: "notes", Title: c[0],
			Text: c[1] + " is the capital of " + c[0] + "." + c[2], License: "public-domain"})
	}
	ix, err := knowledge.Build(context.Background(), notes, knowledge.Options{Name: "notes"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Save(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	return sourceEntry{name: "notes", yaml: "{kind: index, path: index, " + rank + "}", provenance: func(v curate.Verdict) string {
		if v.License != "public-domain" || v.Title == "" {
			return fmt.Sprintf("licence %q title %q", v.License, v.Title)
		}
		return ""
	}}
}

// mediawikiEntry is the local wiki; rank holds the k and weight keys.
func mediawikiEntry(api, rank string) sourceEntry {
	return sourceEntry{name: "wiki",
		yaml: fmt.Sprintf("{kind: mediawiki, name: wiki, api: %q, contact: ci@localhost, cache: wiki-cache, rate: 200, %s}", api, rank),
		provenance: func(v curate.Verdict) string {
			if v.Fields["revid"] == "" || !strings.Contains(v.URL, "#") || v.License != "CC-BY-SA-4.0" || v.Fields["page"] == "" {
				return fmt.Sprintf("url %q licence %q fields %v", v.URL, v.License, v.Fields)
			}
			return ""
		}}
}

// webEntry is a web source whose search API is a SearXNG stand-in on
// loopback ranking the Factbook's passages of the test's countries, and
// whose result pages are the local wiki's rendered HTML pages of them;
// rank holds the k and weight keys.
func webEntry(t *testing.T, api, rank string) sourceEntry {
	t.Helper()
	fb, err := knowledge.ReadFactbook(context.Background(), demotest.Factbook(t))
	if err != nil {
		t.Fatal(err)
	}
	var pages []knowledge.Passage
	for _, p := range fb.Passages {
		if slices.Contains(sourcesCountries, p.Fields["country"]) {
			p.URL = factbookwiki.PageURL(api, p.Fields["country"])
			pages = append(pages, p)
		}
	}
	engine, err := knowledgetest.NewSearXNG(pages)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(engine.Close)
	site := strings.TrimSuffix(api, "api.php")
	return sourceEntry{name: "web",
		yaml: fmt.Sprintf("{kind: web, name: web, url: %q, contact: ci@localhost, license: public-domain, allow_private: true, cache: web-cache, rate: 100, pages: 2, %s}", engine.URL, rank),
		provenance: func(v curate.Verdict) string {
			if !strings.HasPrefix(v.URL, site+"index.php?title=") || v.License != "public-domain" || v.Fields["fetched"] == "" || v.Title == "" {
				return fmt.Sprintf("url %q licence %q title %q fields %v", v.URL, v.License, v.Title, v.Fields)
			}
			return ""
		}}
}

// sourcesRun writes the capital suite of sourcesCountries and a two-step
// base model into dir, runs one round of `cem run` with entries as
// sources.list and returns the run folder.
func sourcesRun(t *testing.T, dir string, entries []sourceEntry) string {
	t.Helper()
	countries, err := factbook.Open(demotest.Factbook(t))
	if err != nil {
		t.Fatal(err)
	}
	var items []exam.Item
	for _, it := range suitebuild.FactbookItems(countries) {
		if it.Relation == "capital" && strings.HasSuffix(it.ID, "-fwd") && slices.Contains(sourcesCountries, it.Subject) {
			items = append(items, it)
		}
	}
	if len(items) != len(sourcesCountries) {
		t.Fatalf("%d capital items, want %d", len(items), len(sourcesCountries))
	}
	if err := exam.WriteSuite(filepath.Join(dir, "exam.jsonl"), items); err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(dir, "corpus.txt")
	os.WriteFile(corpus, []byte("The capital of Chad is N'Djamena.\n\nThe capital of Peru is Lima.\n"), 0o644)
	var out bytes.Buffer
	if err := runModelNew(context.Background(), modelTrainOptions{Size: "tiny", Corpus: []string{corpus}, Out: filepath.Join(dir, "base"),
		Steps: 2, BatchTokens: 256, SeqLen: 64, LR: 1e-3, LogEvery: 1}, &out); err != nil {
		t.Fatal(err)
	}
	cfg := "name: sources-run\nrounds: 1\nmodel: {path: base}\ntrainer: {epochs: 1}\nsuites:\n  - {path: exam.jsonl, role: exam}\nsources:\n  list:\n"
	for _, e := range entries {
		cfg += "    - " + e.yaml + "\n"
	}
	path := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if err := runRun(context.Background(), runOptions{Out: run, Rounds: 1, Index: filepath.Join(dir, "runs.sqlite")}, path, &out); err != nil {
		t.Fatalf("cem run: %v\n%s\nconfig:\n%s", err, out.String(), cfg)
	}
	return run
}

// checkSourcesEvidence checks that every entry's source was searched and
// gave kept evidence with its provenance and agreement in the round's
// curation.jsonl, that the HTML report written by `cem report` shows each
// kept passage (at most the report's 8 per source; these runs keep fewer)
// with its link and revision, and that `cem report` prints each source's
// counts.
func checkSourcesEvidence(t *testing.T, run string, entries []sourceEntry) {
	t.Helper()
	verdicts, err := rundir.ReadJSONL[curate.Verdict](filepath.Join(run, "round-1", "curation.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	if err := runReport(reportOptions{}, run, &text); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(run, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cem report:\n%s", text.String())
	for _, e := range entries {
		searched, kept := 0, 0
		rejects := map[string]int{}
		for _, v := range verdicts {
			if v.Source != e.name {
				continue
			}
			searched++
			if !v.Keep {
				rejects[v.Filter+": "+v.Reason]++
				continue
			}
			kept++
			if bad := e.provenance(v); bad != "" {
				t.Errorf("%s evidence %s lacks provenance: %s", e.name, v.ID, bad)
			}
			if v.Agreement < 2 {
				t.Errorf("%s evidence %s kept with agreement %d (%v); want >= 2 sources", e.name, v.ID, v.Agreement, v.Sources)
			}
			shown := fmt.Sprintf(`<a href="%s">%s</a>`, templateEscape(v.URL), templateEscape(v.ID))
			if v.URL == "" {
				shown = templateEscape(v.ID)
			}
			if !strings.Contains(string(page), shown) {
				t.Errorf("the HTML report does not show %s evidence %s (want %s)", e.name, v.ID, shown)
			}
			if r := report.Revision(v); r != "" && !strings.Contains(string(page), templateEscape(r)) {
				t.Errorf("the HTML report lacks the revision %q of %s", r, v.ID)
			}
		}
		t.Logf("%s: %d candidates, %d kept; rejected %v", e.name, searched, kept, rejects)
		head := fmt.Sprintf("%s: %d candidates, %d kept, ", e.name, searched, kept)
		if searched == 0 || kept == 0 || !strings.Contains(string(page), head) || !strings.Contains(text.String(), "\n  "+head) {
			t.Errorf("%s: %d candidates, %d kept, heading %q in the HTML %v, in cem report's output %v: want the source searched, evidence kept and shown",
				e.name, searched, kept, head, strings.Contains(string(page), head), strings.Contains(text.String(), "\n  "+head))
		}
	}
}

// templateEscape escapes s as html/template does in text and attributes.
func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", `"`, "&#34;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// TestRunMediaWikiAndIndex runs one round of `cem run` whose config lists
// a local index and the local MediaWiki started by
// scripts/ci-mediawiki.sh, and checks that both sources were searched
// and that kept evidence from each carries its provenance.
func TestRunMediaWikiAndIndex(t *testing.T) {
	skipOnPortableKernels(t)
	api := localWikiAPI(t)
	dir := t.TempDir()
	entries := []sourceEntry{indexEntry(t, dir, "k: 2"), mediawikiEntry(api, "k: 3, weight: 2")}
	checkSourcesEvidence(t, sourcesRun(t, dir, entries), entries)
}

// docsEntry renders the Factbook profiles of sourcesCountries as a team's
// documents in dir/team, one HTML, one PDF and one DOCX file, for a docs
// source that cem run indexes before the round; rank holds the k and
// weight keys.
func docsEntry(t *testing.T, dir, rank string) sourceEntry {
	t.Helper()
	demotest.PDFToText(t)
	all, err := factbook.Open(demotest.Factbook(t))
	if err != nil {
		t.Fatal(err)
	}
	var countries []*factbook.Country
	for _, c := range all {
		if slices.Contains(sourcesCountries, c.Name) {
			countries = append(countries, c)
		}
	}
	counts, err := factbookdocs.Render(context.Background(), countries, filepath.Join(dir, "team"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(countries) != len(sourcesCountries) || len(counts) != 3 {
		t.Fatalf("rendered %d countries as %v; want %d in three formats", len(countries), counts, len(sourcesCountries))
	}
	return sourceEntry{name: "team", yaml: "{kind: docs, name: team, dir: team, index: team.idx, license: CC0-1.0, " + rank + "}",
		provenance: func(v curate.Verdict) string {
			if v.License != "CC0-1.0" || v.Fields["file"] == "" || v.Fields["format"] == "" || !strings.HasPrefix(v.URL, v.Fields["file"]) ||
				(v.Fields["format"] == "pdf") != (v.Fields["page"] != "") {
				return fmt.Sprintf("url %q licence %q fields %v", v.URL, v.License, v.Fields)
			}
			return ""
		}}
}

// allSourceEntries is every kind of source in one config: the local
// index, the wiki, the web and the team's documents.
//
// The web's pages are the wiki's own pages, so the two sources often
// return the same section, and curation's dedupe keeps only the first of
// each pair in fused order. The ranks leave each source evidence of its
// own: one passage each from the notes and the wiki (the higher weights
// put them first), three from the web (on 2026-12-02: 3 notes, 2 wiki and
// 4 web passages kept, 4 wiki and 2 web copies dropped as duplicates).
func allSourceEntries(t *testing.T, dir, api string) []sourceEntry {
	return []sourceEntry{
		indexEntry(t, dir, "k: 1, weight: 2"),
		mediawikiEntry(api, "k: 1, weight: 3"),
		webEntry(t, api, "k: 3, weight: 1"),
		docsEntry(t, dir, "k: 1, weight: 3"),
	}
}

// TestRunAllSources runs one round of `cem run` with the local index, the
// local MediaWiki, the web (a SearXNG stand-in on loopback whose results
// are the wiki's real HTML pages) and a folder of documents (HTML, PDF,
// DOCX) in one YAML config, and checks
// that the report shows kept evidence from each source with its
// provenance and agreement.
func TestRunAllSources(t *testing.T) {
	skipOnPortableKernels(t)
	api := localWikiAPI(t)
	dir := t.TempDir()
	entries := allSourceEntries(t, dir, api)
	run := sourcesRun(t, dir, entries)
	checkSourcesEvidence(t, run, entries)
	// The redaction of the note's e-mail address is in curation.jsonl and
	// in the report, and the address is in neither.
	page, err := os.ReadFile(filepath.Join(run, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	curation, err := os.ReadFile(filepath.Join(run, "round-1", "curation.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<td class=\"l\">notes:1</td>") || !strings.Contains(string(curation), `"kind":"redact"`) ||
		strings.Contains(string(page)+string(curation), "j.doe@") {
		t.Error("the notes' e-mail address was not redacted, or the redaction is missing from curation.jsonl or the report")
	}
}
