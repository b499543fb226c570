package tensor

import "github.com/cemlab/cem/tensor/kernel"

// dot and axpy are kernel.Dot and kernel.Axpy (equal lengths).
func dot(a, b []float32) float32         { return kernel.Dot(a, b) }
func axpy(alpha float32, x, y []float32) { kernel.Axpy(alpha, x, y) }
