//go:build purego

package native

import "github.com/cemlab/cem/nn"

// Test sizes for the pure-Go kernels, 20 to 50 times slower: a narrower
// two-layer model, fewer facts to memorise (with smaller batches, so the
// step count stays similar) and smaller WordNet batches.
const (
	memoFacts    = 40
	memoEpochs   = 45
	memoBatch    = 128
	wordnetSteps = 60
	wordnetBatch = 512
)

func learnArch() nn.Config {
	return nn.Config{Vocab: 4096, Dim: 64, Layers: 2, Heads: 2, FFN: 128, MaxSeq: 256}
}
