package docs_test

import (
	"os/exec"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

// pdftotext stops a test that needs poppler's pdftotext when it is not
// installed: a skip naming the package, a failure under CEM_REQUIRE_DATA.
func pdftotext(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		demotest.Missing(t, "pdftotext absent (install Debian's poppler-utils: apt-get install --no-install-recommends poppler-utils)")
	}
}

var lookPath = exec.LookPath
