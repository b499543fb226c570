// Package demotest finds the demo data for tests. Each function returns
// what a test needs, or stops the test with a message naming what is
// missing and how to get it.
//
// Without the data a test is skipped, so that `go test ./...` passes on a
// machine that never ran `cem data fetch`. A CI that meant to fetch the
// data must not pass when the fetch failed, so the environment variable
// CEM_REQUIRE_DATA turns those skips into failures:
//
//	CEM_REQUIRE_DATA=1    the data `cem data fetch` provides must be present
//	                      (.ci/run sets this)
//	CEM_REQUIRE_DATA=all  the CIA World Factbook must be present as well
//	                      (it is a shared folder, not fetched by CI)
//
// Unset, empty or 0 keeps the skips. Every data-dependent test finds its
// data through this package, so the rule holds everywhere.
package demotest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/cemlab/cem/demodata"
)

// EnvRequire names the variable that turns data skips into failures.
const EnvRequire = "CEM_REQUIRE_DATA"

// Levels of EnvRequire.
const (
	requireNone = iota
	requireDemo
	requireAll
)

// required returns the level EnvRequire asks for, or an error for a value
// it does not know.
func required() (int, error) {
	switch v := os.Getenv(EnvRequire); v {
	case "", "0":
		return requireNone, nil
	case "1":
		return requireDemo, nil
	case "all":
		return requireAll, nil
	default:
		return requireNone, fmt.Errorf("%s=%q: want 1 (the fetched demo data), all (and the Factbook) or 0", EnvRequire, v)
	}
}

// missing stops t for lack of data: a skip with msg, or a failure when
// EnvRequire asks for data of level at least level.
func missing(t testing.TB, level int, msg string) {
	t.Helper()
	failIfRequired(t, level, msg)
	t.Skip(msg)
}

// failIfRequired fails t with msg when EnvRequire asks for data of level
// at least level; a value it does not know fails t too.
func failIfRequired(t testing.TB, level int, msg string) {
	t.Helper()
	got, err := required()
	if err != nil {
		t.Fatal(err)
	}
	if got >= level {
		t.Fatalf("%s (%s=%s: this data must be present)", msg, EnvRequire, os.Getenv(EnvRequire))
	}
}

// Lookup returns the Paths of the demo data root (see demodata.Root) and
// an error wrapping demodata.ErrNoData when a file of a demo package is
// missing there. It never stops a test.
func Lookup() (demodata.Paths, error) {
	p, err := demodata.DefaultPaths()
	if err != nil {
		return p, err
	}
	return p, p.Check()
}

// demoAbsent is the message for demo data that Lookup did not find.
func demoAbsent(err error) string {
	return fmt.Sprintf("demo data absent (run `cem data fetch` or set %s): %v", demodata.EnvData, err)
}

// Paths returns the Paths of the fetched demo data, with every file of
// every demo package present, or stops the test: a skip saying to run
// `cem data fetch`, or a failure under CEM_REQUIRE_DATA=1.
func Paths(t testing.TB) demodata.Paths {
	t.Helper()
	p, err := Lookup()
	if err != nil {
		missing(t, requireDemo, demoAbsent(err))
	}
	return p
}

// Have is Paths for a test that can also run without the data, on a
// smaller stand-in: ok is false when the data is absent. Under
// CEM_REQUIRE_DATA=1 an absence fails the test instead.
func Have(t testing.TB) (p demodata.Paths, ok bool) {
	t.Helper()
	p, err := Lookup()
	if err == nil {
		return p, true
	}
	failIfRequired(t, requireDemo, demoAbsent(err))
	return p, false
}

// Factbook returns the CIA World Factbook folder (see
// demodata.FactbookDir), or stops the test: a skip saying where it was
// looked for, or a failure under CEM_REQUIRE_DATA=all.
func Factbook(t testing.TB) string {
	t.Helper()
	dir, err := demodata.FactbookDir()
	if err != nil {
		missing(t, requireAll, fmt.Sprintf("Factbook absent (set %s): %v", demodata.EnvFactbook, err))
	}
	return dir
}

// Missing stops t for lack of something else that CI installs (a Debian
// program such as pdftotext): a skip with msg, which should say how to
// install it, or a failure under CEM_REQUIRE_DATA=1 or all.
func Missing(t testing.TB, msg string) {
	t.Helper()
	missing(t, requireDemo, msg)
}

// PDFToText stops a test that needs poppler's pdftotext when it is not
// installed: a skip naming the Debian package, a failure under
// CEM_REQUIRE_DATA=1 or all (CI installs it).
func PDFToText(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		Missing(t, "pdftotext absent (install Debian's poppler-utils: apt-get install --no-install-recommends poppler-utils)")
	}
}
