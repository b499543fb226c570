package workers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/knowledge"
)

// TestOpenSourcesWeb opens a sources.list with a web source whose
// SearXNG-format search API and pages (libffi's real HTML manual, one
// page with a contact address added) are served on loopback, retrieves,
// and runs the default curation pipeline: the passages carry their URL
// provenance and the address is redacted by curation's PII filter.
func TestOpenSourcesWeb(t *testing.T) {
	matches, _ := filepath.Glob("/usr/share/doc/libffi*/html/The-Basics.html")
	if len(matches) == 0 {
		msg := "no HTML manual: Debian's libffi-dev ships one under /usr/share/doc/libffi*/html (.ci/run installs it)"
		if os.Getenv("CEM_REQUIRE_DATA") == "1" {
			t.Fatal(msg + "; CEM_REQUIRE_DATA=1 requires it")
		}
		t.Skip(msg + "; skipping")
	}
	dir := filepath.Dir(matches[0])
	mux := http.NewServeMux()
	mux.Handle("/doc/", http.StripPrefix("/doc/", http.FileServer(http.Dir(dir))))
	mux.HandleFunc("/contact.html", func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join(dir, "The-Basics.html"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		page := strings.Replace(string(b), "</h3>", "</h3><p>Questions about what ffi_prep_cif does go to jane.doe@example.org or +1 415 555 0134.</p>", 1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	site := httptest.NewServer(mux)
	defer site.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var results []map[string]string
		for _, p := range []string{"/contact.html", "/doc/Types.html", "/doc/Introduction.html"} {
			results = append(results, map[string]string{"url": site.URL + p, "title": p, "content": ""})
		}
		json.NewEncoder(w).Encode(map[string]any{"query": r.URL.Query().Get("q"), "results": results})
	}))
	defer api.Close()

	yaml := fmt.Sprintf(`model: {path: m}
suites:
  - {path: e.jsonl, role: exam}
sources:
  list:
    - {kind: web, url: %q, contact: ci@localhost, license: MIT, allow_private: true, cache: %q, k: 3, timeout: 5s, rate: 100}
`, api.URL, t.TempDir())
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenSources(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := src.Search(context.Background(), knowledge.Query{Text: "what does ffi_prep_cif return"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	var cands []curate.Candidate
	for _, h := range hits {
		if h.Source != "web" || !strings.HasPrefix(h.URL, site.URL+"/") || h.Fields["fetched"] == "" || h.License != "MIT" {
			t.Errorf("hit %s lacks provenance: url %q licence %q fields %v", h.ID, h.URL, h.License, h.Fields)
		}
		cands = append(cands, curate.Candidate{Hit: h,
			Claim: curate.Claim{ItemID: "q1", Answer: "ffi_prep_cif", KeyTerms: []string{"libffi"}}})
	}
	pipe, _ := curate.NewPipeline(curate.Config{Licenses: []string{"MIT"}})
	rep, err := pipe.Run(context.Background(), cands)
	if err != nil {
		t.Fatal(err)
	}
	redacted := 0
	for _, e := range rep.Events {
		if e.Filter == "pii" {
			redacted++
		}
	}
	for _, c := range rep.Kept {
		if strings.Contains(c.Passage.Text, "jane.doe@example.org") || strings.Contains(c.Passage.Text, "555 0134") {
			t.Errorf("kept web passage %s still holds personal data: %q", c.Passage.ID, c.Passage.Text)
		}
	}
	if redacted == 0 || len(rep.Kept) == 0 {
		t.Errorf("%d kept, %d pii events (rejects %+v); want the contact line redacted", len(rep.Kept), redacted, rep.Rejects)
	}
}
