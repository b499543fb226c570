// Package kernel holds the hot loops of the built-in model: SGEMM and the
// vector kernels. Each kernel's doc comment gives its reference loop. On
// amd64 the fast paths are Go-assembly micro-kernels chosen at start-up by
// CPU feature (AVX-512, AVX2); the build tag purego selects the portable
// pure-Go code everywhere, and it gives the same results within float
// tolerance.
package kernel
