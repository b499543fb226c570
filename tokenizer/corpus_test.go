package tokenizer

import (
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

// corpus returns about n bytes of real English text from the gcide
// dictionary, skipping offset bytes first, split into lines.
func corpus(t testing.TB, offset, n int64) []string {
	t.Helper()
	return demotest.GCIDELines(t, demotest.Paths(t), offset, n)
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
