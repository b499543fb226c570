//go:build purego || !amd64

package kernel

func availableSets() []*kernelSet { return []*kernelSet{genericSet} }

func peakLoop() (func(n int), float64) { return nil, 0 }
