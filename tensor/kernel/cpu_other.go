//go:build purego || !amd64

package kernel

var genericSet = &kernelSet{name: "generic", gemm: genericGemm, vec: genericVec}

func availableSets() []*kernelSet { return []*kernelSet{genericSet} }

func peakLoop() (func(n int), float64) { return nil, 0 }
