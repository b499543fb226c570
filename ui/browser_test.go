package ui

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/ui/uitest"
)

// TestBrowserReview drives the dashboard in chromium: the runs page, a
// run, one of its items, the review queue; an approve without the token
// is refused and records nothing, the same approve with the token is
// recorded and shown.
func TestBrowserReview(t *testing.T) {
	ctx := uitest.Browser(t)
	hs, a, _ := newTestServer(t)
	base := strings.Replace(hs.URL, "127.0.0.1", "localhost", 1)
	var runs, run, item, queue, after string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Text("#runs", &runs, chromedp.ByQuery),
		chromedp.Click(`a.run[href="/run/`+runID(a)+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#items", chromedp.ByQuery),
		chromedp.Text("body", &run, chromedp.ByQuery),
		chromedp.Click(`#items a.item`, chromedp.ByQuery),
		chromedp.WaitVisible("#picks", chromedp.ByQuery),
		chromedp.Text("body", &item, chromedp.ByQuery),
		chromedp.Navigate(base+"/run/"+runID(a)+"/review"),
		chromedp.WaitVisible("#queue", chromedp.ByQuery),
		chromedp.Text("#queue", &queue, chromedp.ByQuery),
		// no token: the server answers 403
		chromedp.Click(`tr[data-passage="wordnet:r1-exam-0-p0"] button[value="approve"]`, chromedp.ByQuery),
		// The 403 is plain text, which Chromium shows in a <pre>: wait for
		// it, not for the queue page still on screen.
		chromedp.WaitVisible("body > pre", chromedp.ByQuery),
		chromedp.Text("body", &after, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ page, text, want string }{
		{"runs", runs, "alpha"}, {"runs", runs, "awaiting review (2)"},
		{"run", run, "Accuracy per suite"}, {"item", item, "What is fact 0?"}, {"item", item, "near-duplicate"},
		{"queue", queue, "wordnet:r1-exam-0-p0"}, {"refused approve", after, "needs the token"},
	} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("%s page lacks %q:\n%s", c.page, c.want, c.text)
		}
	}
	if ds, err := review.Decisions(a, 1); err != nil || len(ds) != 0 {
		t.Fatalf("decisions after an approve without the token = %v, %v; want none", ds, err)
	}
	var decided string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/run/"+runID(a)+"/review"),
		chromedp.WaitVisible("#queue", chromedp.ByQuery),
		chromedp.SendKeys("#token", testToken, chromedp.ByQuery),
		chromedp.SendKeys("#who", "ann", chromedp.ByQuery),
		chromedp.SendKeys(`tr[data-passage="wordnet:r1-exam-0-p0"] input[name="note"]`, "source checked", chromedp.ByQuery),
		chromedp.Click(`tr[data-passage="wordnet:r1-exam-0-p0"] button[value="approve"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`tr[data-passage="wordnet:r1-exam-0-p0"] .verdict`, chromedp.ByQuery),
		chromedp.Text(`tr[data-passage="wordnet:r1-exam-0-p0"]`, &decided, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(decided, "approve by ann: source checked") {
		t.Errorf("queue row after the approve = %q; want ann's approval and note", decided)
	}
	ds, err := review.Decisions(a, 1)
	if err != nil || len(ds) != 1 || ds[0].Verdict != review.Approve || ds[0].Who != "ann" {
		t.Fatalf("decisions = %+v, %v; want ann's approval", ds, err)
	}
}
