package kernel

import (
	"os"
	"sync/atomic"
)

// EnvKernel names the environment variable that forces a kernel path:
// "avx512", "avx2" or "generic". A path the CPU (or the build) lacks is
// ignored, and the best available path is used; unset means the best.
// It is read once, at start-up.
const EnvKernel = "CEM_KERNEL"

// active is the kernel set in use; tests switch it with useKernel.
var active atomic.Pointer[kernelSet]

// kernelSet is one implementation of every kernel: the SGEMM micro-kernel
// and its blocking, and the vector kernels.
type kernelSet struct {
	name string
	gemm *gemmKernel
	vec  *vecKernels
}

// genericSet is the pure-Go path, available everywhere.
var genericSet = &kernelSet{name: "generic", gemm: genericGemm, vec: genericVec}

func init() {
	active.Store(choose(availableSets(), os.Getenv(EnvKernel)))
}

// choose returns the set named want, or the first (fastest) set when want
// is empty or not among them.
func choose(sets []*kernelSet, want string) *kernelSet {
	for _, s := range sets {
		if s.name == want {
			return s
		}
	}
	return sets[0]
}

// Path reports the name of the kernel path in use: "avx512", "avx2" or
// "generic".
func Path() string { return active.Load().name }

// Paths lists the kernel paths this CPU and build support, fastest first.
func Paths() []string {
	var names []string
	for _, s := range availableSets() {
		names = append(names, s.name)
	}
	return names
}

func activeGemm() *gemmKernel { return active.Load().gemm }
func activeVec() *vecKernels  { return active.Load().vec }

// useKernel switches to the named path for tests and benchmarks and
// returns a function that restores the previous one; ok is false when the
// path is not available.
func useKernel(name string) (restore func(), ok bool) {
	for _, s := range availableSets() {
		if s.name == name {
			prev := active.Swap(s)
			return func() { active.Store(prev) }, true
		}
	}
	return func() {}, false
}
