package archtest

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cemlab/cem"

// layers is docs/architecture.md's table, lowest first. A package may
// import packages of lower layers only; within a layer, only along the
// edges of sideways. A pattern ending in "/..." matches every package
// below that folder. Keep both in step with the document.
var layers = []struct {
	name     string
	packages []string
}{
	{"defaults", []string{"internal/defaults"}},
	{"base", []string{"internal/archtest", "internal/atomicfile", "internal/digest", "internal/textnorm", "internal/fuzzseed", "metrics", "config"}},
	{"files and clients", []string{"internal/jsonl", "internal/prompttmpl", "internal/jobstate", "internal/polite", "internal/runlock"}},
	{"kernels", []string{"tensor/kernel"}},
	{"tensors", []string{"tensor"}},
	{"engine", []string{"nn", "tokenizer", "safetensors"}},
	{"model formats", []string{"gguf"}},
	{"model interfaces", []string{"model"}},
	{"exam", []string{"exam"}},
	{"corpus readers", []string{"corpus/..."}},
	{"knowledge", []string{"knowledge"}},
	{"knowledge sources", []string{"knowledge/..."}},
	{"mistakes", []string{"mistake"}},
	{"curation", []string{"curate"}},
	{"training sets", []string{"trainset"}},
	{"trainer formats", []string{"trainset/..."}},
	{"suite building", []string{"suitebuild"}},
	{"backends", []string{"model/native", "model/openai", "model/command", "serve"}},
	{"job trainers and fakes", []string{"model/slurm", "model/finetune", "model/modeltest"}},
	{"run folder", []string{"rundir"}},
	{"human review", []string{"review"}},
	{"run summary", []string{"report/headline"}},
	{"loop and run readers", []string{"loop", "report", "store"}},
	{"wiring", []string{"workers"}},
	{"dashboard", []string{"ui"}},
	{"dashboard test helpers", []string{"ui/uitest"}},
	{"demo data", []string{"demodata"}},
	{"demo data users", []string{"demodata/..."}},
	{"applications", []string{"demo"}},
	{"commands, tools and benchmarks", []string{"cmd/...", "bench/...", "internal/factbookwiki", "internal/factbookwiki/...", "internal/factbookdocs"}},
}

// sideways are the imports allowed inside one layer.
var sideways = map[[2]string]bool{
	{"internal/factbookwiki/gen", "internal/factbookwiki"}: true,
	{"bench/factbookdocs", "internal/factbookdocs"}:        true,
	{"knowledge/docs", "knowledge/web"}:                    true, // the HTML section walker
}

// layerOf returns the index of pkg's layer, or -1.
func layerOf(pkg string) int {
	for i, l := range layers {
		for _, p := range l.packages {
			if p == pkg || (strings.HasSuffix(p, "/...") && strings.HasPrefix(pkg, strings.TrimSuffix(p, "..."))) {
				return i
			}
		}
	}
	return -1
}

// TestImportsPointDown parses every non-test Go file of the module and
// fails on each import of a cem package that is not below the importer.
// Test files may import upward (integration tests drive higher layers).
func TestImportsPointDown(t *testing.T) {
	root := moduleRoot(t)
	imports := map[string]map[string]bool{} // package -> cem packages it imports
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, is := range f.Imports {
			p := strings.Trim(is.Path.Value, `"`)
			if dep, ok := strings.CutPrefix(p, module+"/"); ok {
				imports[pkg][dep] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 10 {
		t.Fatalf("found %d packages under %s; want the whole module", len(imports), root)
	}
	var bad []string
	for _, pkg := range sortedKeys(imports) {
		li := layerOf(pkg)
		if li < 0 {
			bad = append(bad, fmt.Sprintf("%s: in no layer; add it to docs/architecture.md and this test's table", pkg))
			continue
		}
		for _, dep := range sortedKeys(imports[pkg]) {
			ld := layerOf(dep)
			switch {
			case ld < 0:
				// reported as the importer of its own row
			case ld > li:
				bad = append(bad, fmt.Sprintf("%s (%s) imports %s (%s): points up", pkg, layers[li].name, dep, layers[ld].name))
			case ld == li && !sideways[[2]string{pkg, dep}]:
				bad = append(bad, fmt.Sprintf("%s imports %s: same layer (%s), not a listed sideways edge", pkg, dep, layers[li].name))
			}
		}
	}
	for _, b := range bad {
		t.Error(b)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// moduleRoot is the folder holding cem's go.mod, above this package.
func moduleRoot(t *testing.T) string {
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module "+module+"\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod of %s above the test", module)
		}
		dir = parent
	}
}
