package web

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
	"time"

	"github.com/cemlab/cem/knowledge"
)

func TestExtractRealManualPage(t *testing.T) {
	s := newSite(t)
	f := testFetcher(t, FetchConfig{})
	p, err := f.Fetch(context.Background(), s.URL+"/doc/The-Basics.html")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := Extract(p, "web", "MIT")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ex.Title, "The Basics") || ex.License != "" || len(ex.Passages) == 0 {
		t.Fatalf("title %q stated licence %q, %d passages", ex.Title, ex.License, len(ex.Passages))
	}
	found := false
	for _, ps := range ex.Passages {
		t.Logf("%s %q (%d bytes) %s: %.80q", ps.ID, ps.Title, len(ps.Text), ps.URL, ps.Text)
		if strings.ContainsAny(ps.Text, "<>") && strings.Contains(ps.Text, "</") {
			t.Errorf("passage %s keeps markup: %q", ps.ID, ps.Text)
		}
		if len(ps.Text) > MaxPassageBytes {
			t.Errorf("passage %s has %d bytes, over %d", ps.ID, len(ps.Text), MaxPassageBytes)
		}
		if ps.License != "MIT" || !strings.HasPrefix(ps.URL, s.URL+"/doc/The-Basics.html") || ps.Fields["fetched"] == "" {
			t.Errorf("passage %s provenance: url %q licence %q fields %v", ps.ID, ps.URL, ps.License, ps.Fields)
		}
		if _, err := time.Parse(time.RFC3339, ps.Fields["fetched"]); err != nil {
			t.Errorf("fetched %q: %v", ps.Fields["fetched"], err)
		}
		found = found || strings.Contains(ps.Text, "ffi_prep_cif")
		if strings.Contains(ps.Text, "Permission is hereby granted") || strings.Contains(ps.Text, "a.copiable-anchor") {
			t.Errorf("passage %s holds the comment or style sheet: %q", ps.ID, ps.Text)
		}
	}
	if !found {
		t.Errorf("no passage mentions ffi_prep_cif: %+v", ex.Passages)
	}
}

func TestStatedLicense(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(manualDir(t), "Types.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(body)
	cases := []struct {
		name, inject, want string
	}{
		{"link rel", `<link rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">`, "CC-BY-SA-4.0"},
		{"a rel among tokens", `<a rel="nofollow license" href="//creativecommons.org/publicdomain/zero/1.0/">CC0</a>`, "CC0-1.0"},
		{"meta dc.rights", `<meta name="DC.rights" content="GFDL-1.3-or-later">`, "GFDL-1.3-or-later"},
		{"bare CC badge link", `<a href="https://creativecommons.org/licenses/by/3.0/deed.en">badge</a>`, "CC-BY-3.0"},
		{"other licence URL kept as is", `<link rel="license" href="/LICENSE.txt">`, "http://example.org/LICENSE.txt"},
		{"none", ``, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			html := strings.Replace(page, "</head>", tc.inject+"</head>", 1)
			p := &Page{URL: "http://example.org/Types.html", FinalURL: "http://example.org/Types.html", ContentType: "text/html", Body: html}
			ex, err := Extract(p, "web", "fallback")
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "" {
				want = "fallback"
			}
			if ex.License != tc.want || ex.Passages[0].License != want {
				t.Errorf("licence %q (passage %q), want %q", ex.License, ex.Passages[0].License, tc.want)
			}
		})
	}
}

// searxng is a loopback server answering /search?q=…&format=json in
// SearXNG's documented JSON format with the given result paths on site.
func searxng(t *testing.T, site string, paths ...string) (*httptest.Server, *int) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if r.URL.Path != "/search" || r.URL.Query().Get("format") != "json" || r.URL.Query().Get("q") == "" {
			http.Error(w, "want /search?q=…&format=json", http.StatusBadRequest)
			return
		}
		var results []map[string]any
		for i, p := range paths {
			results = append(results, map[string]any{"url": site + p, "title": p, "content": "snippet",
				"engine": "duckduckgo", "engines": []string{"duckduckgo"}, "score": 1.0 / float64(i+1), "category": "general"})
		}
		json.NewEncoder(w).Encode(map[string]any{"query": r.URL.Query().Get("q"), "number_of_results": len(results),
			"results": results, "answers": []any{}, "corrections": []any{}, "infoboxes": []any{}, "suggestions": []any{},
			"unresponsive_engines": []any{}})
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestSearXNGSourceEndToEnd(t *testing.T) {
	s := newSite(t)
	api, calls := searxng(t, s.URL, "/doc/Introduction.html", "/private/The-Basics.html", "/doc/The-Basics.html", "/as-pdf", "/doc/Closure-Example.html")
	cache := t.TempDir()
	open := func() *Source {
		p, err := NewProvider("searxng", api.URL, "")
		if err != nil {
			t.Fatal(err)
		}
		src, err := New(Config{Provider: p, Contact: "ci@localhost", License: "MIT", CacheDir: cache,
			Fetch: FetchConfig{allow: loopbackOnly, Rate: 1e6}})
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	src := open()
	q := knowledge.Query{Text: "ffi_prep_cif prepare a call interface"}
	hits, err := src.Search(context.Background(), q, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || !strings.HasPrefix(hits[0].URL, s.URL+"/doc/") || hits[0].Source != "web" {
		t.Fatalf("hits %+v", hits)
	}
	if !strings.Contains(hits[0].Text, "ffi_prep_cif") {
		t.Errorf("best hit %q does not mention ffi_prep_cif", hits[0].Text)
	}
	reasons := map[Reason]int{}
	for _, r := range src.Skipped() {
		reasons[r.Reason]++
	}
	if reasons[ReasonRobots] != 1 || reasons[ReasonContentType] != 1 || len(src.Skipped()) != 2 {
		t.Errorf("skipped %+v; want one robots and one content-type refusal", src.Skipped())
	}
	// A rerun from the cache, with both servers gone, is offline and the same.
	api.Close()
	s.Close()
	again := open()
	hits2, err := again.Search(context.Background(), q, 4)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(hits2) != fmt.Sprint(hits) || again.Stats().Requests != 0 || *calls != 1 {
		t.Errorf("rerun: %d requests, %d search calls; hits equal %v", again.Stats().Requests, *calls, fmt.Sprint(hits2) == fmt.Sprint(hits))
	}
}

// TestBraveProvider checks the request and the parsing of the Brave
// Search API's documented answer on a loopback stand-in.
func TestBraveProvider(t *testing.T) {
	s := newSite(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Subscription-Token") != "secret-key" || r.URL.Query().Get("count") != "5" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"type":"ErrorResponse","error":{"code":"SUBSCRIPTION_TOKEN_INVALID","status":401}}`)
			return
		}
		fmt.Fprintf(w, `{"type":"search","query":{"original":%q},"mixed":{"type":"mixed","main":[]},
"web":{"type":"search","family_friendly":true,"results":[
 {"type":"search_result","title":"The Basics","url":%q,"description":"ffi_prep_cif","language":"en"},
 {"type":"search_result","title":"Types","url":%q,"description":"types","language":"en"}]}}`,
			r.URL.Query().Get("q"), s.URL+"/doc/The-Basics.html", s.URL+"/doc/Types.html")
	}))
	t.Cleanup(srv.Close)
	if _, err := NewProvider("brave", srv.URL, "CEM_TEST_BRAVE_KEY"); err == nil || !strings.Contains(err.Error(), "$CEM_TEST_BRAVE_KEY") {
		t.Errorf("no key: %v; want an error naming the variable", err)
	}
	t.Setenv("CEM_TEST_BRAVE_KEY", "secret-key")
	p, err := NewProvider("brave", srv.URL, "CEM_TEST_BRAVE_KEY")
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	src, err := New(Config{Provider: p, Contact: "ci@localhost", License: "MIT", CacheDir: cache, Pages: 5,
		Fetch: FetchConfig{allow: loopbackOnly, Rate: 1e6}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Results(context.Background(), "ffi basics", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Title != "The Basics" || res[1].URL != s.URL+"/doc/Types.html" {
		t.Errorf("results %+v", res)
	}
	err = filepath.Walk(cache, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if b, _ := os.ReadFile(path); strings.Contains(string(b), "secret-key") {
				t.Errorf("the API key is in the cache file %s", path)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := NewProvider("brave", srv.URL, "CEM_TEST_BRAVE_KEY")
	bad.(*Brave).Key = "wrong"
	src2, _ := New(Config{Provider: bad, Contact: "ci@localhost"})
	if _, err := src2.Results(context.Background(), "x", 5); err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("wrong key: %v; want HTTP 401", err)
	}
}

func TestProviderParseErrors(t *testing.T) {
	cases := []struct {
		p    Provider
		body string
		want string
	}{
		{&SearXNG{}, `<html>`, "not JSON"},
		{&SearXNG{}, `{"query":"x"}`, "no results list"},
		{&Brave{}, `{"type":"ErrorResponse"}`, `type "ErrorResponse"`},
	}
	for _, tc := range cases {
		if _, err := tc.p.Parse([]byte(tc.body)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s.Parse(%s) = %v, want %q", tc.p.Name(), tc.body, err, tc.want)
		}
	}
	if _, err := NewProvider("bing", "", ""); err == nil || !strings.Contains(err.Error(), "searxng, brave") {
		t.Errorf("unknown provider: %v", err)
	}
}

// TestExtractDropsEditLinks checks that MediaWiki's "[ edit ]" links beside
// headings stay out of passage titles and text, as rendered by the wiki's
// skin (span.mw-editsection inside the heading).
func TestExtractDropsEditLinks(t *testing.T) {
	body := `<!DOCTYPE html><html><head><title>Peru - Factbook Wiki</title></head><body>
<div id="content"><h1 id="firstHeading">Peru</h1><div id="mw-content-text"><div class="mw-parser-output">
<p>Peru is a country in western South America, bordering the South Pacific Ocean between Chile and Ecuador.</p>
<h2><span class="mw-headline" id="Capital">Capital</span><span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="/index.php?title=Peru&amp;action=edit&amp;section=1" title="Edit section: Capital">edit</a><span class="mw-editsection-bracket">]</span></span></h2>
<p>The capital of Peru is Lima, on the coast of the Pacific Ocean, where about a third of the people live.</p>
</div></div></div></body></html>`
	p := &Page{URL: "http://wiki.test/Peru", FinalURL: "http://wiki.test/Peru", ContentType: "text/html", Fetched: time.Unix(0, 0).UTC(), Body: body}
	ex, err := Extract(p, "web", "CC-BY-SA-4.0")
	if err != nil {
		t.Fatal(err)
	}
	var lima bool
	for _, ps := range ex.Passages {
		if strings.Contains(ps.Title, "edit") || strings.Contains(ps.Text, "[ edit ]") || strings.Contains(ps.Text, "[edit]") {
			t.Errorf("passage %s keeps the edit link: title %q text %q", ps.ID, ps.Title, ps.Text)
		}
		lima = lima || strings.Contains(ps.Text, "Lima") && strings.HasSuffix(ps.Title, "Capital")
	}
	if !lima {
		t.Errorf("no passage under the Capital heading names Lima: %+v", ex.Passages)
	}
}
