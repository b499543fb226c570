package workers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/knowledge"
)

// TestBuildDocs builds a docs source's index from its folder, opens it
// through sources.list and finds a passage with its file and licence;
// the second build reads no file.
func TestBuildDocs(t *testing.T) {
	dir := t.TempDir()
	team := filepath.Join(dir, "team")
	for name, body := range map[string]string{
		"public/handbook.md": "# Handbook\n\n## Leave\n\nAsk your manager two weeks ahead.\n",
		"memo.html":          "<title>Memo</title><h1>Memo</h1><p>The budget is due on Friday.</p>",
	} {
		path := filepath.Join(team, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	yaml := fmt.Sprintf(`model: {path: m}
suites:
  - {path: e.jsonl, role: exam}
sources:
  list:
    - {kind: docs, name: team, dir: %q, index: %q, license: proprietary, licenses: {public: CC-BY-4.0}, k: 2}
`, team, filepath.Join(dir, "team.idx"))
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, wantRead := range []int{2, 0} {
		reports, err := BuildDocs(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(reports) != 1 || reports[0].Read != wantRead || reports[0].Passages != 2 {
			t.Fatalf("build %d: %+v; want %d files read, 2 passages", i+1, reports, wantRead)
		}
	}
	src, err := OpenSources(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := src.Search(ctx, knowledge.Query{Text: "manager leave weeks"}, 2)
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v, %v", hits, err)
	}
	h := hits[0]
	if h.Source != "team" || h.URL != "public/handbook.md" || h.License != "CC-BY-4.0" || h.Title != "Handbook: Leave" {
		t.Errorf("hit %s: source %q url %q licence %q title %q; want team, public/handbook.md, CC-BY-4.0, Handbook: Leave",
			h.ID, h.Source, h.URL, h.License, h.Title)
	}
}
