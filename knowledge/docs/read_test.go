package docs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/internal/factbookdocs"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/docs"
)

// writeFiles writes name -> content under dir.
func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func docxBytes(t *testing.T, d factbookdocs.Doc) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := factbookdocs.WriteDOCX(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// twoPagePDF has a title heading, a section heading and a paragraph on
// page 1 and a section with a paragraph on page 2.
func twoPagePDF(t *testing.T) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle("Field guide", true)
	text := func(style string, size float64, s string) {
		p.SetFont("Helvetica", style, size)
		p.MultiCell(0, size*0.5, s, "", "L", false)
		p.Ln(2)
	}
	p.AddPage()
	text("B", 20, "Field guide")
	text("B", 14, "Birds")
	text("", 10, "The kestrel hovers over open fields before it drops onto its prey.")
	p.AddPage()
	text("B", 14, "Trees")
	text("", 10, "The rowan keeps its red berries well into the winter.")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// find returns the passage whose text contains s.
func find(t *testing.T, ps []knowledge.Passage, s string) knowledge.Passage {
	t.Helper()
	for _, p := range ps {
		if strings.Contains(p.Text, s) {
			return p
		}
	}
	t.Fatalf("no passage holds %q", s)
	return knowledge.Passage{}
}

// TestReadFormats reads one file of each format and checks the passages'
// sections, pages, URLs and licences.
func TestReadFormats(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		// Unclosed tags are HTML as a browser reads it, not broken input.
		"web/page.html": []byte(`<html><head><title>Handbook</title><body><nav><a href="/">Home</a></nav>
<h1>Handbook</h1><h2 id="leave">Leave</h2><p>Ask your manager two weeks ahead.<h3>Sick days</h3><ul><li>Call in before nine.<li>Rest.`),
		"web/latin1.html": []byte("<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title></head><body><p>Le caf\xe9 ouvre \xe0 huit heures.</p>"),
		"notes/plan.md":   []byte("Plan\n====\n\nIntro text.\n\n## Steps\n\nFirst step.\n\n```\n# not a heading\n```\n"),
		"notes/todo.txt":  []byte("# not a heading in plain text\n\nBuy milk.\n"),
		"public/memo.docx": docxBytes(t, factbookdocs.Doc{Title: "Memo", Blocks: []factbookdocs.Block{
			{Level: 1, Text: "Memo"}, {Level: 2, Text: "Budget"}, {Text: "The budget is due on Friday."}}}),
	}
	// Without pdftotext the other formats are still checked; under
	// CEM_REQUIRE_DATA its absence fails the test (demotest.Missing).
	_, err := exec.LookPath("pdftotext")
	pdf := err == nil
	if !pdf {
		t.Run("pdf", func(t *testing.T) { demotest.PDFToText(t) })
	}
	if pdf {
		files["public/guide.pdf"] = twoPagePDF(t)
	}
	writeFiles(t, dir, files)
	cfg := docs.Config{Dir: dir, Source: "team", License: "proprietary", Licenses: map[string]string{"public": "CC-BY-4.0"}}
	res, err := docs.Read(context.Background(), cfg, docs.Previous{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Skipped) != 0 {
		t.Errorf("skipped %v; want none", res.Report.Skipped)
	}
	cases := []struct {
		text, title, url, license, section, page string
	}{
		{"Ask your manager", "Handbook: Leave", "web/page.html#leave", "proprietary", "Leave", ""},
		{"Call in before nine.", "Handbook: Leave > Sick days", "web/page.html", "proprietary", "Leave > Sick days", ""},
		{"Le café ouvre à huit heures.", "Café", "web/latin1.html", "proprietary", "", ""},
		{"Intro text.", "Plan", "notes/plan.md", "proprietary", "", ""},
		{"# not a heading", "Plan: Steps", "notes/plan.md", "proprietary", "Steps", ""},
		{"# not a heading in plain text", "todo", "notes/todo.txt", "proprietary", "", ""},
		{"The budget is due", "Memo: Budget", "public/memo.docx", "CC-BY-4.0", "Budget", ""},
	}
	if pdf {
		cases = append(cases,
			struct{ text, title, url, license, section, page string }{"The kestrel hovers", "Field guide: Birds", "public/guide.pdf#page=1", "CC-BY-4.0", "Birds", "1"},
			struct{ text, title, url, license, section, page string }{"The rowan keeps", "Field guide: Trees", "public/guide.pdf#page=2", "CC-BY-4.0", "Trees", "2"})
	} else {
		t.Log("pdftotext absent: the PDF case is left out")
	}
	for _, c := range cases {
		p := find(t, res.Passages, c.text)
		if p.Title != c.title || p.URL != c.url || p.License != c.license || p.Fields["section"] != c.section || p.Fields["page"] != c.page || p.Source != "team" {
			t.Errorf("%q: title %q, url %q, licence %q, section %q, page %q, source %q; want %q, %q, %q, %q, %q, team",
				c.text, p.Title, p.URL, p.License, p.Fields["section"], p.Fields["page"], p.Source, c.title, c.url, c.license, c.section, c.page)
		}
	}
	if strings.Contains(res.Passages[0].Text+res.Passages[1].Text, "Home") {
		t.Errorf("navigation kept: %q", res.Passages[0].Text)
	}
}

func TestLicenseOf(t *testing.T) {
	cfg := docs.Config{License: "default", Licenses: map[string]string{"a": "A", "a/b": "AB", "/c/": "C"}}
	for rel, want := range map[string]string{"x.txt": "default", "a/x.txt": "A", "a/b/x.txt": "AB", "a/bc/x.txt": "A", "ab/x.txt": "default", "c/x.md": "C"} {
		if got := cfg.LicenseOf(rel); got != want {
			t.Errorf("LicenseOf(%q) = %q; want %q", rel, got, want)
		}
	}
}

// TestIncremental builds a folder's index, rebuilds it unchanged (no file
// read), after a change, an addition and a removal (only those read, the
// removed file's passages gone), and checks that a cancelled build leaves
// the last index whole.
func TestIncremental(t *testing.T) {
	dir := t.TempDir()
	index := filepath.Join(t.TempDir(), "docs.idx")
	writeFiles(t, dir, map[string][]byte{
		"a.md":    []byte("# A\n\nAlpha text.\n"),
		"b.txt":   []byte("Beta text.\n"),
		"c.html":  []byte("<h1>C</h1><p>Gamma text.</p>"),
		"bad.txt": []byte("caf\xe9"),
	})
	cfg := docs.Config{Dir: dir, Source: "team", License: "proprietary"}
	ctx := context.Background()
	build := func(wantRead, wantReused, wantPassages int, wantRemoved ...string) *docs.Report {
		t.Helper()
		r, err := docs.BuildIndex(ctx, cfg, index, knowledge.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Read != wantRead || r.Reused != wantReused || r.Passages != wantPassages || strings.Join(r.Removed, ",") != strings.Join(wantRemoved, ",") {
			t.Errorf("report: read %d, reused %d, passages %d, removed %v; want %d, %d, %d, %v (full read: %q)",
				r.Read, r.Reused, r.Passages, r.Removed, wantRead, wantReused, wantPassages, wantRemoved, r.FullRead)
		}
		return r
	}
	build(4, 0, 3)
	before, err := os.Stat(index)
	if err != nil {
		t.Fatal(err)
	}
	r := build(0, 4, 3)
	if len(r.Skipped) != 1 || r.Skipped[0].Reason != docs.ReasonNotUTF8 {
		t.Errorf("unchanged rebuild lost the skip: %v", r.Skipped)
	}
	if after, _ := os.Stat(index); !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("unchanged rebuild rewrote the index")
	}
	writeFiles(t, dir, map[string][]byte{"b.txt": []byte("Beta text, revised.\n"), "d.md": []byte("Delta text.\n")})
	if err := os.Remove(filepath.Join(dir, "c.html")); err != nil {
		t.Fatal(err)
	}
	build(2, 2, 3, "c.html")
	ix, err := knowledge.Open(index, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"team:b.txt#1": "Beta text, revised.", "team:a.md#1": "Alpha text.", "team:d.md#1": "Delta text.", "team:c.html#1": ""} {
		p, ok, err := ix.Get(id)
		if err != nil || ok != (want != "") || p.Text != want {
			t.Errorf("Get(%q) = %q, %v, %v; want %q", id, p.Text, ok, err, want)
		}
	}
	// A changed licence keeps the files but rewrites their passages.
	cfg.License = "CC0-1.0"
	build(0, 4, 3)
	if ix, err = knowledge.Open(index, knowledge.Options{}); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := ix.Get("team:a.md#1"); p.License != "CC0-1.0" {
		t.Errorf("licence after the change = %q; want CC0-1.0", p.License)
	}
	var reports []docs.Report
	if b, err := os.ReadFile(docs.ReportPath(index)); err != nil || json.Unmarshal(b, &reports) != nil || len(reports) != 1 || reports[0].Reused != 4 {
		t.Errorf("report file: %v, %+v", err, reports)
	}
	// A cancelled build is an error and leaves the index as it was.
	writeFiles(t, dir, map[string][]byte{"e.md": []byte("Epsilon.\n")})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := docs.BuildIndex(cctx, cfg, index, knowledge.Options{}); err == nil {
		t.Errorf("cancelled build: no error")
	}
	if ix, err = knowledge.Open(index, knowledge.Options{}); err != nil || ix.Len() != 3 {
		t.Errorf("index after a cancelled build: %v, %d passages; want 3", err, ix.Len())
	}
}
