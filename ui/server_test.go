package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"
)

const testToken = "0123456789abcdef0123456789abcdef"

// newTestServer writes two runs under a temp folder and serves them.
func newTestServer(t testing.TB) (*httptest.Server, string, string) {
	t.Helper()
	root := t.TempDir()
	a, b := filepath.Join(root, "alpha"), filepath.Join(root, "beta")
	writeRun(t, a, "alpha", demoSize)
	writeRun(t, b, "beta", fixtureSize{Items: 20, Rounds: 1, Mined: 3, Candidates: 2})
	srv, err := New(Options{Catalog: FolderCatalog{Root: root}, Reviewer: RunReview{}, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs, a, b
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestPages renders every page of the dashboard over real run folders.
func TestPages(t *testing.T) {
	hs, a, b := newTestServer(t)
	ida, idb := runID(a), runID(b)
	for _, tc := range []struct {
		path string
		code int
		want []string
	}{
		{"/", 200, []string{"alpha", "beta", "/run/" + ida, "awaiting review (2)"}},
		{"/?q=bet", 200, []string{"beta"}},
		{"/?sort=gain", 200, []string{"alpha"}},
		{"/run/" + ida, 200, []string{"Run alpha", "<svg", "Accuracy per suite", "exam-4"}},
		{"/run/" + ida + "/item?suite=exam&id=exam-4", 200, []string{"What is fact 4?", "wordnet:r1-exam-4-p0", "near-duplicate", "Training examples made from the kept passages", "https://wordnet.example/exam-4"}},
		{"/run/" + ida + "/review", 200, []string{"wordnet:r1-exam-0-p0", "wordnet:r1-exam-0-p1", "approve"}},
		{"/compare?a=" + ida + "&b=" + idb, 200, []string{"alpha beside beta", "colA", "colB"}},
		{"/run/nope-00000000", 404, []string{"no run"}},
		{"/run/" + ida + "/item?suite=exam&id=missing", 404, []string{"no item exam/missing"}},
		{"/assets/app.js", 200, []string{"EventSource"}},
	} {
		code, body := get(t, hs.URL+tc.path)
		if code != tc.code {
			t.Errorf("GET %s = %d; want %d\n%s", tc.path, code, tc.code, body)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", tc.path, w)
			}
		}
	}
	if _, body := get(t, hs.URL+"/?q=bet"); strings.Contains(body, ">alpha<") {
		t.Error("filter q=bet still lists alpha")
	}
}

// TestActionsNeedToken posts review decisions without, with a tampered
// and with the right token: only the last is recorded; an unknown
// passage is refused and records nothing.
func TestActionsNeedToken(t *testing.T) {
	hs, a, _ := newTestServer(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	decisionsFile := rundir.ReviewDecisionsPath(a, 1)
	post := func(token, passage string) int {
		t.Helper()
		form := url.Values{"token": {token}, "round": {"1"}, "passage": {passage}, "verdict": {"approve"}, "who": {"ann"}, "note": {"checked"}}
		resp, err := client.PostForm(hs.URL+"/run/"+runID(a)+"/review", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct{ name, token, passage string }{
		{"no token", "", "wordnet:r1-exam-0-p0"},
		{"tampered token", testToken[:31] + "0", "wordnet:r1-exam-0-p0"},
		{"short token", testToken[:8], "wordnet:r1-exam-0-p0"},
	} {
		if code := post(tc.token, tc.passage); code != http.StatusForbidden {
			t.Errorf("%s: approve = %d; want 403", tc.name, code)
		}
		if _, err := os.Stat(decisionsFile); !os.IsNotExist(err) {
			t.Fatalf("%s: decisions file exists after a refused action (%v)", tc.name, err)
		}
	}
	if code := post(testToken, "wordnet:no-such-passage"); code != http.StatusBadRequest {
		t.Errorf("unknown passage: approve = %d; want 400", code)
	}
	if ds, err := review.Decisions(a, 1); err != nil || len(ds) != 0 {
		t.Fatalf("decisions after an unknown passage = %v, %v; want none", ds, err)
	}
	if code := post(testToken, "wordnet:r1-exam-0-p0"); code != http.StatusSeeOther {
		t.Fatalf("approve with the token = %d; want 303", code)
	}
	ds, err := review.Decisions(a, 1)
	if err != nil || len(ds) != 1 || ds[0].Verdict != review.Approve || ds[0].Who != "ann" || ds[0].Note != "checked" {
		t.Fatalf("decisions = %+v, %v; want ann's approval with her note", ds, err)
	}
	if _, body := get(t, hs.URL+"/"); !strings.Contains(body, "awaiting review (1)") {
		t.Error("runs page does not show one sample left to review")
	}
}

// TestLoopbackHostOnly refuses a request whose Host is not loopback.
func TestLoopbackHostOnly(t *testing.T) {
	hs, _, _ := newTestServer(t)
	req, _ := http.NewRequest("GET", hs.URL+"/", nil)
	req.Host = "evil.example:8765"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET with Host evil.example = %d; want 403", resp.StatusCode)
	}
}

// BenchmarkPages measures the render time of each page over a 3-round
// run of the demo's size (four suites of 150 items, 30 mistakes mined
// per round, 150 candidates).
func BenchmarkPages(b *testing.B) {
	hs, a, _ := newTestServer(b)
	id := runID(a)
	for _, p := range []struct{ name, path string }{
		{"runs", "/"}, {"run", "/run/" + id}, {"item", "/run/" + id + "/item?suite=exam&id=exam-4"}, {"review", "/run/" + id + "/review"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := http.Get(hs.URL + p.path)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("GET %s: %v %v", p.path, err, resp)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
