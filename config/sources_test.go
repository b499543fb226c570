package config

import (
	"os"
	"path/filepath"
	"testing"
)

const sourcesBase = "model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\n"

func TestSourceListErrors(t *testing.T) {
	wiki := "    api: http://127.0.0.1:8080/api.php\n    contact: ops@example.org\n"
	testFieldErrors(t, sourcesBase, []fieldCase{
		{"unknown kind", "sources:\n  list:\n  - kind: index\n    path: ix\n  - kind: bing\n", "sources.list[1].kind", 8, "unknown kind"},
		{"index needs path", "sources:\n  list:\n  - kind: index\n", "sources.list[0].path", 6, "index folder"},
		{"negative k", "sources:\n  list:\n  - kind: index\n    path: ix\n    k: -2\n", "sources.list[0].k", 8, ">= 0"},
		{"negative weight", "sources:\n  list:\n  - kind: index\n    path: ix\n    weight: -1\n", "sources.list[0].weight", 8, "> 0"},
		{"wiki needs api", "sources:\n  list:\n  - kind: mediawiki\n    contact: a@b\n", "sources.list[0].api", 6, "api.php"},
		{"wiki needs contact", "sources:\n  list:\n  - kind: mediawiki\n    api: https://en.wikipedia.org/w/api.php\n", "sources.list[0].contact", 6, "User-Agent"},
		{"duplicate name", "sources:\n  list:\n  - kind: mediawiki\n" + wiki + "  - kind: mediawiki\n" + wiki, "sources.list[1].name", 9, "duplicate"},
		{"index with api", "sources:\n  list:\n  - kind: index\n    path: ix\n    api: http://x/api.php\n", "sources.list[0].api", 8, "only a mediawiki"},
		{"web unknown provider", "sources:\n  list:\n  - kind: web\n    provider: altavista\n", "sources.list[0].provider", 7, "unknown provider"},
		{"web searxng needs url", "sources:\n  list:\n  - kind: web\n    contact: a@b\n", "sources.list[0].url", 6, "SearXNG"},
		{"web needs contact", "sources:\n  list:\n  - kind: web\n    url: http://127.0.0.1:8888\n", "sources.list[0].contact", 6, "User-Agent"},
		{"web bad timeout", "sources:\n  list:\n  - kind: web\n    url: http://127.0.0.1:8888\n    contact: a@b\n    timeout: soon\n", "sources.list[0].timeout", 9, "duration"},
		{"web negative max_bytes", "sources:\n  list:\n  - kind: web\n    provider: brave\n    contact: a@b\n    max_bytes: -1\n", "sources.list[0].max_bytes", 9, ">= 0"},
		{"web negative search_rate", "sources:\n  list:\n  - kind: web\n    provider: brave\n    contact: a@b\n    search_rate: -2\n", "sources.list[0].search_rate", 9, ">= 0 requests per second"},
		{"web with api", "sources:\n  list:\n  - kind: web\n    url: http://127.0.0.1:8888\n    contact: a@b\n    api: http://x/api.php\n", "sources.list[0].api", 9, "url"},
		{"docs needs dir", "sources:\n  list:\n  - kind: docs\n    index: d.idx\n", "sources.list[0].dir", 6, "folder of documents"},
		{"docs needs index", "sources:\n  list:\n  - kind: docs\n    dir: team\n", "sources.list[0].index", 6, "index file"},
		{"docs empty licence", "sources:\n  list:\n  - kind: docs\n    dir: team\n    index: d.idx\n    licenses: {public: ''}\n", "sources.list[0].licenses", 9, "empty licence"},
		{"docs with url", "sources:\n  list:\n  - kind: docs\n    dir: team\n    index: d.idx\n    url: http://x\n", "sources.list[0].url", 9, "no url"},
		{"both index and list", "sources:\n  index: ix\n  list:\n  - kind: index\n    path: ix\n", "sources.index", 5, "kind: index"},
		{"unknown entry key", "sources:\n  list:\n  - kind: index\n    pth: ix\n", "pth", 7, "unknown key"},
	})
}

func TestSourceListDefaultsAndPaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.yaml")
	yaml := sourcesBase + "sources:\n  list:\n  - {kind: index, path: index, k: 6}\n" +
		"  - {kind: mediawiki, name: wiki, api: 'http://127.0.0.1:1/api.php', contact: ops@example.org, weight: 2, cache: wcache}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Sources.List
	if len(l) != 2 || l[0].Name != "index" || *l[0].K != 6 || l[0].Weight != 1 || l[0].Path != filepath.Join(dir, "index") {
		t.Errorf("index entry %+v", l[0])
	}
	if l[1].Name != "wiki" || *l[1].K != 4 || l[1].Weight != 2 || l[1].License != "CC-BY-SA-4.0" || l[1].Cache != filepath.Join(dir, "wcache") {
		t.Errorf("wiki entry %+v", l[1])
	}
	if c.Sources.K != 10 || c.Sources.RRFK != 60 {
		t.Errorf("sources.k %d rrf_k %g, want 10 (the sum) and 60", c.Sources.K, c.Sources.RRFK)
	}
	web, err := Parse([]byte(sourcesBase + "sources:\n  list:\n  - {kind: web, provider: brave, contact: a@b, api_key_env: MY_KEY}\n"))
	if err != nil || web.Sources.List[0].Name != "web" || web.Sources.List[0].APIKeyEnv != "MY_KEY" {
		t.Errorf("web entry: %+v, %v", web.Sources.List, err)
	}
	d, err := Load(writeYAML(t, dir, sourcesBase+"sources:\n  list:\n  - {kind: docs, dir: team, index: idx/docs.idx, license: proprietary, licenses: {public: CC-BY-4.0}}\n"))
	if err != nil || d.Sources.List[0].Name != "docs" || d.Sources.List[0].Dir != filepath.Join(dir, "team") ||
		d.Sources.List[0].Index != filepath.Join(dir, "idx/docs.idx") || d.Sources.List[0].Licenses["public"] != "CC-BY-4.0" {
		t.Errorf("docs entry: %+v, %v", d.Sources.List, err)
	}
	legacy, err := Parse([]byte(sourcesBase + "sources: {index: ix}\n"))
	if err != nil || legacy.Sources.K != 4 || legacy.Sources.Index != "ix" {
		t.Errorf("sources.index alone: %+v, %v", legacy.Sources, err)
	}
}

// writeYAML writes a config file in dir and returns its path.
func writeYAML(t *testing.T, dir, yaml string) string {
	t.Helper()
	path := filepath.Join(dir, "docs.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
