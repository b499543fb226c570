package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/docs"
	"github.com/cemlab/cem/rundir"
)

// writeTeamDocs writes a small folder of documents stating three
// capitals and returns it.
func writeTeamDocs(t *testing.T, dir string) string {
	t.Helper()
	team := filepath.Join(dir, "team")
	for name, body := range map[string]string{
		"atlas/africa.html": "<title>Atlas</title><h1>Atlas</h1><h2>Chad</h2><p>N'Djamena is the capital of Chad.",
		"atlas/america.md":  "# Atlas\n\n## Peru\n\nLima is the capital of Peru.\n",
		"notes/france.txt":  "Paris is the capital of France.\n",
		"notes/broken.html": "\x00\x01binary",
	} {
		path := filepath.Join(team, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return team
}

// TestIndexBuildDocs runs `cem index build --docs` twice: the second
// build reads no file, and both list the broken file with its reason.
func TestIndexBuildDocs(t *testing.T) {
	dir := t.TempDir()
	team := writeTeamDocs(t, dir)
	index := filepath.Join(dir, "bm25.idx")
	opts := indexOptions{Docs: []string{team}, DocsLic: []string{"proprietary", "atlas=CC0-1.0"}, Out: index, MaxChars: knowledge.DefaultMaxChars}
	for i, want := range []string{"(4 files: 4 read, 0 unchanged, 0 removed, 1 skipped)", "(4 files: 0 read, 4 unchanged, 0 removed, 1 skipped)"} {
		var out bytes.Buffer
		if err := runIndexBuild(context.Background(), opts, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "skipped notes/broken.html: malformed-html: binary content: NUL byte at offset 0") {
			t.Errorf("build %d printed:\n%s\nwant %q and the skip", i+1, out.String(), want)
		}
	}
	ix, err := knowledge.Open(index, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, ok, err := ix.Get("team:atlas/america.md#1")
	if err != nil || !ok || p.License != "CC0-1.0" || p.Title != "Atlas: Peru" {
		t.Errorf("passage %+v, %v, %v; want the Peru section under CC0-1.0", p, ok, err)
	}
	if _, err := os.Stat(docs.ReportPath(index)); err != nil {
		t.Errorf("no build report: %v", err)
	}
	err = runIndexBuild(context.Background(), indexOptions{Docs: []string{team, filepath.Join(dir, "x", "team")}, Out: index}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `both folders are named "team"`) {
		t.Errorf("two folders named team: %v", err)
	}
}

// TestRunDocs runs one round of `cem run` with a docs source: the index
// is built before the round and its passages reach curation with their
// file as provenance.
func TestRunDocs(t *testing.T) {
	skipOnPortableKernels(t)
	dir := t.TempDir()
	writeTeamDocs(t, dir)
	facts := [][2]string{{"Chad", "N'Djamena"}, {"Peru", "Lima"}, {"France", "Paris"}}
	var items []exam.Item
	for i, f := range facts {
		items = append(items, exam.Item{ID: fmt.Sprintf("cap-%d", i), Question: "What is the capital of " + f[0] + "?",
			Choices: []string{"N'Djamena", "Lima", "Paris"}, Answer: exam.Answer{Index: i, Text: f[1]}, Subject: f[0], Relation: "capital", Object: f[1]})
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
	cfg := `name: docs-run
rounds: 1
model: {path: base}
trainer: {epochs: 1}
suites:
  - {path: exam.jsonl, role: exam}
sources:
  list:
    - {kind: docs, name: team, dir: team, index: team.idx, license: public-domain, k: 3}
`
	path := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if err := runRun(context.Background(), runOptions{Out: run, Rounds: 1, Index: filepath.Join(dir, "runs.sqlite")}, path, &out); err != nil {
		t.Fatalf("cem run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "team             3 passages") || !strings.Contains(out.String(), "skipped notes/broken.html: malformed-html") {
		t.Errorf("cem run did not print the documents' build report:\n%s", out.String())
	}
	verdicts, err := rundir.ReadJSONL[curate.Verdict](filepath.Join(run, "round-1", "curation.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, v := range verdicts {
		if v.Source != "team" || v.Fields["file"] == "" || !strings.HasPrefix(v.URL, v.Fields["file"]) || v.License != "public-domain" {
			t.Errorf("verdict %s: source %q url %q fields %v licence %q; want team evidence with its file", v.ID, v.Source, v.URL, v.Fields, v.License)
		}
		if v.Keep {
			kept++
		}
	}
	if kept == 0 {
		t.Errorf("no document evidence kept of %d candidates", len(verdicts))
	}
}

// TestRunMissingDocsFolder names a docs source's missing folder by its
// key, and says nothing of its index, which the run builds.
func TestRunMissingDocsFolder(t *testing.T) {
	dir := t.TempDir()
	cfg := "model: {path: base}\nsuites:\n  - {path: exam.jsonl, role: exam}\nsources:\n  list:\n    - {kind: docs, name: team, dir: team, index: team.idx}\n"
	path := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	err := runRun(context.Background(), runOptions{Out: filepath.Join(dir, "run")}, path, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "sources.list[0].dir (team)") || !strings.Contains(err.Error(), "put the documents in it") ||
		strings.Contains(err.Error(), "team.idx") {
		t.Errorf("run without the docs folder: %v; want sources.list[0].dir named with a hint, and no word of the index", err)
	}
}

// TestIndexBuildDocsCLI checks `cem index build --docs` on the command
// line: it needs --out (the default file is the demo corpora's index),
// and with it indexes only the documents unless --sources asks for more.
func TestIndexBuildDocsCLI(t *testing.T) {
	dir := t.TempDir()
	team := writeTeamDocs(t, dir)
	if code, err := execute(context.Background(), "index", "build", "--docs", team); code != 2 || err == nil || !strings.Contains(err.Error(), "give --out") {
		t.Fatalf("without --out: exit %d, %v; want 2 asking for --out", code, err)
	}
	index := filepath.Join(dir, "team.idx")
	if code, err := execute(context.Background(), "index", "build", "--docs", team, "--docs-license", "CC0-1.0", "--out", index); code != 0 {
		t.Fatalf("exit %d: %v", code, err)
	}
	ix, err := knowledge.Open(index, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.Sources(); len(got) != 1 || got[0] != "team" {
		t.Errorf("sources %v, want only the documents (team)", got)
	}
}
