package factbookwiki

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/demodata"
)

func TestTitle(t *testing.T) {
	for in, want := range map[string]string{
		"Chad":                              "Chad",
		"Falkland Islands (Islas Malvinas)": "Falkland Islands (Islas Malvinas)",
		"A/B [x] #1 {y}|z_w":                "A B x 1 y z w",
	} {
		if got := Title(in); got != want {
			t.Errorf("Title(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRender(t *testing.T) {
	c := &factbook.Country{Code: "xx", Region: "europe", Name: "Xland", Fields: []factbook.Field{
		{Path: []string{"Government", "Capital", "name"}, Text: "Xville"},
		{Path: []string{"Government", "Capital", "note"}, Text: "has [[links]] and {{templates}}\nand two lines"},
		{Path: []string{"Economy", "Real GDP"}, Text: ""},
		{Path: []string{"Economy", "Exports = things"}, Text: "fish"},
	}}
	p := Render(c)
	want := "'''<nowiki>Xland</nowiki>''' is a profile of the CIA World Factbook (region: <nowiki>europe</nowiki>).\n" +
		"\n== Government ==\n\n=== Capital ===\n'''<nowiki>name</nowiki>''': <nowiki>Xville</nowiki>\n\n" +
		"'''<nowiki>note</nowiki>''': <nowiki>has [[links]] and {{templates}}</nowiki>\n\n<nowiki>and two lines</nowiki>\n\n" +
		"\n== Economy ==\n\n=== Exports things ===\n<nowiki>fish</nowiki>\n\n"
	if p.Title != "Xland" || p.Text != want {
		t.Errorf("Render = %q\n%s\nwant\n%s", p.Title, p.Text, want)
	}
}

func TestWriteFactbook(t *testing.T) {
	dir, err := demodata.FactbookDir()
	if err != nil {
		t.Skipf("no Factbook: %v", err)
	}
	out := t.TempDir()
	pages, err := Write(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.wiki"))
	if len(pages) < 200 || len(files) != len(pages) {
		t.Fatalf("%d pages, %d files", len(pages), len(files))
	}
	b, err := os.ReadFile(filepath.Join(out, "Chad.wiki"))
	if err != nil || !strings.Contains(string(b), "=== Capital ===") || !strings.Contains(string(b), "N'Djamena") {
		t.Errorf("Chad.wiki lacks its capital section: %v", err)
	}
}
