package kernel_test

import (
	"fmt"

	"github.com/cemlab/cem/tensor/kernel"
)

// A linear layer's forward pass, y = x·Wᵀ, with x 2x3 and W 2x3 (two
// outputs of three inputs), both row-major.
func ExampleSgemm() {
	x := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	w := []float32{
		1, 0, 1,
		0, 1, 0,
	}
	y := make([]float32, 2*2)
	kernel.Sgemm(false, true, 2, 2, 3, 1, x, 3, w, 3, 0, y, 2)
	fmt.Println(y)
	// Output: [4 2 10 5]
}

func ExampleSoftmax() {
	row := []float32{1, 2, 3}
	kernel.Softmax(row)
	fmt.Printf("%.4f\n", row)
	// Output: [0.0900 0.2447 0.6652]
}

func ExampleRMSNorm() {
	x := []float32{3, 4}
	w := []float32{1, 2}
	y := make([]float32, 2)
	r := kernel.RMSNorm(y, x, w, 0)
	fmt.Printf("%.4f %.4f\n", r, y)
	// Output: 0.2828 [0.8485 2.2627]
}
