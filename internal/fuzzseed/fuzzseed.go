// Package fuzzseed seeds fuzz corpora from real files, for fuzz targets
// whose best seeds are the testdata files their unit tests read.
package fuzzseed

import (
	"os"
	"testing"
)

// AddFiles adds the contents of each file to f's seed corpus, in order.
// A file that cannot be read fails the fuzz test.
func AddFiles(f *testing.F, paths ...string) {
	f.Helper()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatalf("fuzz seed: %v", err)
		}
		f.Add(b)
	}
}
