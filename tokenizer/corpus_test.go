package tokenizer

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataRoot returns the demo data root ($CEM_DATA, else the user cache's
// cem/data/root), skipping the test when the gcide dictionary is absent.
func dataRoot(t testing.TB) string {
	t.Helper()
	root := os.Getenv("CEM_DATA")
	if root == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			t.Skipf("no demo data: %v (set CEM_DATA or run `cem data fetch`)", err)
		}
		root = filepath.Join(c, "cem", "data", "root")
	}
	if _, err := os.Stat(filepath.Join(root, "usr/share/dictd/gcide.dict.dz")); err != nil {
		t.Skipf("no demo data under %s (run `cem data fetch` or set CEM_DATA): %v", root, err)
	}
	return root
}

// corpus returns about n bytes of real English text from the gcide
// dictionary, skipping offset bytes first, split into lines.
func corpus(t testing.TB, offset, n int64) []string {
	t.Helper()
	root := dataRoot(t)
	f, err := os.Open(filepath.Join(root, "usr/share/dictd/gcide.dict.dz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(io.Discard, z, offset); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(io.LimitReader(z, n))
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(string(b), "\n")
}

// trained returns a tokenizer trained on 1 MB of gcide with 2000 tokens,
// built once per test binary.
func trained(t testing.TB) *Tokenizer {
	t.Helper()
	dataRoot(t)
	trainedOnce.Do(func() {
		trainedTok, trainedErr = Train(corpus(t, 0, 1<<20), 2000)
	})
	if trainedErr != nil {
		t.Fatal(trainedErr)
	}
	return trainedTok
}
