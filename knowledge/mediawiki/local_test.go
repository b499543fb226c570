package mediawiki

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/knowledgetest"
	"github.com/cemlab/cem/suitebuild"
)

// EnvURL names the variable holding the api.php URL of the local wiki
// started by scripts/ci-mediawiki.sh.
const EnvURL = "CEM_MEDIAWIKI_URL"

// localWiki returns the local wiki's API URL or skips the test.
func localWiki(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skipf("%s is not set: no local MediaWiki (scripts/ci-mediawiki.sh installs Debian's mediawiki and starts one; "+
			"it could not here, or was not sourced); skipping", EnvURL)
	}
	return u
}

func newLocal(t testing.TB, cache string) *Client {
	t.Helper()
	c, err := New(Config{API: localWiki(t), Contact: "ci@localhost", License: "public-domain",
		CacheDir: cache, Rate: 500, Backoff: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLocalSearchPassagesWithProvenance(t *testing.T) {
	c := newLocal(t, "")
	hits, err := c.Search(context.Background(), knowledge.Query{Text: "What is the capital of France?"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	top := hits[0]
	t.Logf("top: %s %q %s rev %s", top.ID, top.Title, top.URL, top.Fields["revid"])
	if top.Fields["page"] != "France" || !strings.Contains(strings.ToLower(top.Text), "paris") {
		t.Errorf("top hit is %q: %q, want a section of France naming Paris", top.Title, top.Text)
	}
	for _, h := range hits {
		if h.Source != "mediawiki" || h.License != "public-domain" || h.Fields["revid"] == "" || h.Fields["revid"] == "0" ||
			!strings.HasPrefix(h.URL, strings.TrimSuffix(localWiki(t), "api.php")) || !strings.Contains(h.URL, "#") {
			t.Errorf("hit %s lacks provenance: source %q licence %q revid %q url %q", h.ID, h.Source, h.License, h.Fields["revid"], h.URL)
		}
		if strings.Contains(h.Text, "<") || strings.Contains(h.Text, "[edit]") {
			t.Errorf("hit %s has markup left: %q", h.ID, h.Text)
		}
	}
	if hs, err := c.Search(context.Background(), knowledge.Query{Text: "capital of France", Sources: []string{"wordnet"}}, 5); err != nil || len(hs) != 0 {
		t.Errorf("a query for other sources gave %d hits, %v", len(hs), err)
	}
}

func TestLocalCacheRerunIsOffline(t *testing.T) {
	dir := t.TempDir()
	qs := []string{"What is the capital of Chad?", "currency of Japan", "highest point Nepal"}
	run := func() (*Client, [][]knowledge.Hit) {
		c := newLocal(t, dir)
		var out [][]knowledge.Hit
		for _, q := range qs {
			h, err := c.Search(context.Background(), knowledge.Query{Text: q}, 4)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, h)
		}
		return c, out
	}
	c1, first := run()
	c2, second := run()
	s1, s2 := c1.Stats(), c2.Stats()
	t.Logf("first run %+v, rerun %+v", s1, s2)
	if s1.Requests == 0 {
		t.Fatal("the first run made no request")
	}
	if s2.Requests != 0 || s2.CacheHits == 0 {
		t.Errorf("the rerun made %d network requests (%d cache hits), want 0", s2.Requests, s2.CacheHits)
	}
	if !reflect.DeepEqual(first, second) {
		t.Error("the rerun gave other passages")
	}
}

// capitalQuestions returns the Factbook's forward capital questions.
func capitalQuestions(t testing.TB) []exam.Item {
	t.Helper()
	countries, err := factbook.Open(demotest.Factbook(t))
	if err != nil {
		t.Fatal(err)
	}
	return knowledgetest.ForwardCapitals(suitebuild.FactbookItems(countries))
}

// TestLocalRecallFactbookCapitals measures recall@10 of the gold answer
// on every sixth Factbook capital question against the local wiki (target
// >= 0.9) and checks that a rerun is served by the cache.
// BenchmarkLocalRecallFactbookCapitals measures all of them.
func TestLocalRecallFactbookCapitals(t *testing.T) {
	localWiki(t)
	var items []exam.Item
	for i, it := range capitalQuestions(t) {
		if i%6 == 0 {
			items = append(items, it)
		}
	}
	checkRecall(t, items)
}

// BenchmarkLocalRecallFactbookCapitals measures recall@10 on all the
// Factbook capital questions, with the requests of a cold and a cached run
// (the README's table).
func BenchmarkLocalRecallFactbookCapitals(b *testing.B) {
	localWiki(b)
	items := capitalQuestions(b)
	for b.Loop() {
		checkRecall(b, items)
	}
}

func checkRecall(t testing.TB, items []exam.Item) {
	dir := t.TempDir()
	c := newLocal(t, dir)
	r := knowledgetest.RecallAt10(t, c, items)
	again := newLocal(t, dir)
	r2 := knowledgetest.RecallAt10(t, again, items)
	st, st2 := c.Stats(), again.Stats()
	t.Logf("recall@10 %.3f over %d capital questions; first run %d requests, rerun %d requests and %d cache hits",
		r, len(items), st.Requests, st2.Requests, st2.CacheHits)
	if r < 0.9 {
		t.Errorf("recall@10 = %.3f, want >= 0.9", r)
	}
	if r2 != r || st2.Requests != 0 {
		t.Errorf("rerun: recall %.3f with %d requests, want %.3f with 0", r2, st2.Requests, r)
	}
}
