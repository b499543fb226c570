package safetensors_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cemlab/cem/safetensors"
)

func Example() {
	dir, _ := os.MkdirTemp("", "st")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	err := safetensors.WriteFile(path, []safetensors.Tensor{
		safetensors.F32Tensor("embed.weight", []int{2, 2}, []float32{1, 2, 3, 4}),
	}, map[string]string{"step": "100"})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, shape, err := f.Float32("embed.weight")
	fmt.Println(w, shape, err, f.Metadata["step"])
	// Output:
	// [1 2 3 4] [2 2] <nil> 100
}
