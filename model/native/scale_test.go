//go:build !purego

package native

import "github.com/cemlab/cem/nn"

// Test sizes for the assembly kernels: the tiny architecture.
const (
	memoFacts    = 1000 // all of them (262)
	memoEpochs   = 45
	memoBatch    = 512 // tokens per step
	wordnetSteps = 40
	wordnetBatch = 2048
)

func learnArch() nn.Config { c, _ := nn.SizeConfig("tiny"); return c }
