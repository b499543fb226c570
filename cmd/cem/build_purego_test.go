//go:build purego

package main

// portableKernels reports whether the test binary uses the pure-Go
// kernels (-tags purego).
const portableKernels = true
