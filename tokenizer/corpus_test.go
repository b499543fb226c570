package tokenizer

import (
	"compress/gzip"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

// corpus returns about n bytes of real English text from the gcide
// dictionary, skipping offset bytes first, split into lines.
func corpus(t testing.TB, offset, n int64) []string {
	t.Helper()
	_, gcide := demotest.Paths(t).Dict("gcide")
	f, err := os.Open(gcide)
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
	demotest.Paths(t)
	trainedOnce.Do(func() {
		trainedTok, trainedErr = Train(corpus(t, 0, 1<<20), 2000)
	})
	if trainedErr != nil {
		t.Fatal(trainedErr)
	}
	return trainedTok
}
