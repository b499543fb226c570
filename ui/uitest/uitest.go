// Package uitest drives the dashboard in a real browser for tests:
// Debian's Chromium, headless, through chromedp.
package uitest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium is where Debian's chromium package installs the browser.
const Chromium = "/usr/bin/chromium"

// Browser starts Debian's chromium headless with a fresh profile and no
// network services; without it the test skips, or fails when
// CEM_REQUIRE_BROWSER=1.
func Browser(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(Chromium); err != nil {
		if os.Getenv("CEM_REQUIRE_BROWSER") == "1" {
			t.Fatalf("%s: %v (CEM_REQUIRE_BROWSER=1; install it with apt-get install chromium)", Chromium, err)
		}
		t.Skipf("no %s (apt-get install chromium); the browser test skips", Chromium)
	}
	// The profile is removed after the browser is gone: Chromium's helper
	// processes may still write into it for a moment after it is killed,
	// which t.TempDir's cleanup would report as a failure.
	profile, err := os.MkdirTemp("", "cem-ui-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("could not remove the browser profile %s", profile)
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium), chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}
