package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"
	"github.com/cemlab/cem/ui/uitest"
)

// TestDashboardReviewResumesRun is the review done in a real browser: a
// run with require: true stops awaiting review; in `cem ui` (Chromium)
// the reviewer opens the runs page, the run, one of its items and the
// review queue, and approves every sampled passage with the token; the
// same `cem run` then resumes and trains, and its report shows the
// reviewer's verdicts.
func TestDashboardReviewResumesRun(t *testing.T) {
	bctx := uitest.Browser(t)
	path, run := reviewFixture(t)
	ctx := context.Background()
	index := filepath.Join(filepath.Dir(run), "runs.sqlite")
	if err := runRun(ctx, runOptions{Out: run, Index: index}, path, io.Discard); !errors.Is(err, review.ErrAwaiting) {
		t.Fatalf("cem run with require = %v; want awaiting review", err)
	}
	pending, err := review.Pending(run)
	if err != nil || len(pending) == 0 {
		t.Fatalf("pending = %v, %v; want a sample", pending, err)
	}

	const token = "test-token-0123456789abcdef"
	t.Setenv("CEM_TEST_UI_TOKEN", token)
	uctx, stop := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- runUI(uctx, uiOptions{Addr: "127.0.0.1:0", Runs: filepath.Dir(run), TokenEnv: "CEM_TEST_UI_TOKEN"}, io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("cem ui: %v", err)
	}
	t.Cleanup(func() { stop(); <-done })
	base := "http://" + addr

	var runs, item string
	err = chromedp.Run(bctx,
		chromedp.Navigate(base+"/"),
		chromedp.Text("#runs", &runs, chromedp.ByQuery),
		chromedp.Click(`a.run`, chromedp.ByQuery),
		chromedp.WaitVisible("#items", chromedp.ByQuery),
		chromedp.Click(`#items a.item`, chromedp.ByQuery),
		chromedp.WaitVisible("#picks", chromedp.ByQuery),
		chromedp.Text("body", &item, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(runs, "reviewed") || !strings.Contains(runs, "awaiting review") {
		t.Errorf("runs page = %q; want the run, awaiting review", runs)
	}
	if !strings.Contains(item, "What is the capital of") {
		t.Errorf("item page lacks its question:\n%s", item)
	}
	var queueURL string
	if err := chromedp.Run(bctx, chromedp.Navigate(base+"/"), chromedp.AttributeValue(`a.run`, "href", &queueURL, nil, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	for _, p := range pending {
		row := fmt.Sprintf(`tr[data-passage=%q]`, p.PassageID)
		err := chromedp.Run(bctx,
			chromedp.Navigate(base+queueURL+"/review"),
			chromedp.WaitVisible("#queue", chromedp.ByQuery),
			// The page keeps the token and name for the session: set, not type.
			chromedp.SetValue("#token", token, chromedp.ByQuery),
			chromedp.SetValue("#who", "dana", chromedp.ByQuery),
			chromedp.SendKeys(row+` input[name="note"]`, "read it", chromedp.ByQuery),
			chromedp.Click(row+` button[value="approve"]`, chromedp.ByQuery),
			chromedp.WaitVisible(row+` .verdict`, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatalf("approve %s in the page: %v", p.PassageID, err)
		}
	}
	if left, err := review.Pending(run); err != nil || len(left) != 0 {
		t.Fatalf("after approving in the page: pending %v, %v; want none", left, err)
	}
	if err := runRun(ctx, runOptions{Out: run, Index: index}, path, io.Discard); err != nil {
		t.Fatalf("cem run after the review: %v", err)
	}
	if _, err := os.Stat(rundir.Artifact(run, 1, rundir.StageTrainset)); err != nil {
		t.Errorf("the resumed run built no training set: %v", err)
	}
	if err := runReport(reportOptions{}, run, io.Discard); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(run, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Human review", ">dana<", "read it"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
