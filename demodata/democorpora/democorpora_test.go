package democorpora

import (
	"context"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata"
	"github.com/cemlab/cem/knowledge"
)

func TestLoadUnknownName(t *testing.T) {
	_, _, err := Load(context.Background(), demodata.NewPaths(t.TempDir()), []string{"elements", "web"})
	if err == nil || !strings.Contains(err.Error(), `unknown source "web"`) {
		t.Fatalf("Load(web) error = %v; want unknown source naming web", err)
	}
}

func TestLoadMissingFiles(t *testing.T) {
	_, _, err := Load(context.Background(), demodata.NewPaths(t.TempDir()), []string{"foldoc"})
	if err == nil || !strings.HasPrefix(err.Error(), "source foldoc: ") {
		t.Fatalf("Load(foldoc) from an empty root: error = %v; want one naming the corpus", err)
	}
}

// TestLoadReal checks that Load reads each corpus from its demodata files,
// in the order asked, with reports that match what it returns.
func TestLoadReal(t *testing.T) {
	p, err := demodata.DefaultPaths()
	if err == nil {
		err = p.Check()
	}
	if err != nil {
		t.Skipf("demo data absent, run `cem data fetch`: %v", err)
	}
	names := []string{"elements", "wordnet"}
	cs, reports, err := Load(context.Background(), p, names)
	if err != nil {
		t.Fatal(err)
	}
	idx, data := p.Dict("elements")
	el, err := knowledge.ReadDict("elements", idx, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || len(reports) != 2 {
		t.Fatalf("Load gave %d corpora, %d reports; want 2 each", len(cs), len(reports))
	}
	if len(cs[0].Passages) != len(el.Passages) || cs[0].Passages[0].ID != el.Passages[0].ID {
		t.Errorf("elements: %d passages; want the %d ReadDict gives, same first", len(cs[0].Passages), len(el.Passages))
	}
	for i, r := range reports {
		if r.Name != names[i] || r.Passages != len(cs[i].Passages) || r.Passages == 0 {
			t.Errorf("report %d = %+v; want %s with %d passages", i, r, names[i], len(cs[i].Passages))
		}
	}
}
