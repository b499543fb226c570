package tensor

import (
	"fmt"

	"github.com/cemlab/cem/tensor/kernel"
)

// Tensor is a dense row-major float32 array with an optional gradient.
//
// Tensors made by a Tape live in its arena and become invalid at the
// Tape's next Reset. Parameters (NewParam) own their memory.
type Tensor struct {
	Shape []int
	Data  []float32

	grad     []float32
	needGrad bool
	tape     *Tape // allocates grad lazily
}

// NewParam wraps data and grad (same length, product of shape) as a
// tensor that requires gradients. Gradients accumulate into grad.
// A nil grad makes a constant (frozen) tensor.
func NewParam(data, grad []float32, shape ...int) *Tensor {
	n := numel(shape)
	if len(data) != n || (grad != nil && len(grad) != n) {
		panic(fmt.Sprintf("tensor.NewParam: shape %v needs %d values, have data %d grad %d", shape, n, len(data), len(grad)))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data, grad: grad, needGrad: grad != nil}
}

// NewConst wraps data as a tensor that needs no gradient.
func NewConst(data []float32, shape ...int) *Tensor { return NewParam(data, nil, shape...) }

// Grad returns the gradient accumulated so far, or nil when none was
// allocated (no backward pass reached this tensor).
func (t *Tensor) Grad() []float32 { return t.grad }

// RequiresGrad reports whether backward computes a gradient for t.
func (t *Tensor) RequiresGrad() bool { return t.needGrad }

// g returns t's gradient buffer, allocating a zeroed one on first use.
func (t *Tensor) g() []float32 {
	if t.grad == nil {
		t.grad = t.tape.arena.allocZero(len(t.Data))
	}
	return t.grad
}

// gFresh returns t's gradient buffer and whether it was just allocated
// without zeroing: then the caller must overwrite every element instead
// of adding to it.
func (t *Tensor) gFresh() ([]float32, bool) {
	if t.grad == nil {
		t.grad = t.tape.arena.alloc(len(t.Data))
		return t.grad, true
	}
	return t.grad, false
}

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// rows and cols view t as a matrix [rows, cols] with cols the last dim.
func (t *Tensor) cols() int { return t.Shape[len(t.Shape)-1] }
func (t *Tensor) rows() int { return len(t.Data) / t.cols() }

// Tape records operations for reverse-mode differentiation. The zero
// value is not usable; make one with NewTape. A Tape is not safe for
// concurrent use.
type Tape struct {
	arena    arena
	backward []func()
	// NoGrad, when set, makes ops compute forward values only.
	NoGrad bool
}

// NewTape returns an empty tape.
func NewTape() *Tape { return &Tape{} }

// Reset forgets all recorded operations and recycles the arena: every
// tensor made by the tape since the previous Reset becomes invalid.
func (tp *Tape) Reset() {
	clear(tp.backward)
	tp.backward = tp.backward[:0]
	tp.arena.reset()
}

// ArenaBytes returns the most arena memory the tape has held at once.
func (tp *Tape) ArenaBytes() int64 { return int64(tp.arena.peak) * 4 }

// New returns an uninitialised tensor of the given shape from the arena.
// It requires no gradient.
func (tp *Tape) New(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: tp.arena.alloc(numel(shape)), tape: tp}
}

// out allocates an op's output; it requires a gradient when any input does
// and the tape records.
func (tp *Tape) out(zero bool, inputs []*Tensor, shape ...int) *Tensor {
	t := tp.New(shape...)
	if zero {
		clear(t.Data)
	}
	if !tp.NoGrad {
		for _, in := range inputs {
			if in != nil && in.needGrad {
				t.needGrad = true
				break
			}
		}
	}
	return t
}

// record appends a backward closure when y needs a gradient.
func (tp *Tape) record(y *Tensor, fn func()) {
	if y.needGrad {
		tp.backward = append(tp.backward, fn)
	}
}

// Backward seeds d loss = 1 for the scalar loss and runs the recorded
// backward closures in reverse order, accumulating into every
// gradient-requiring tensor's Grad. It fails when loss is not a scalar
// or does not depend on any parameter.
func (tp *Tape) Backward(loss *Tensor) error {
	if len(loss.Data) != 1 {
		return fmt.Errorf("tensor: backward from a tensor of shape %v, want a scalar", loss.Shape)
	}
	if !loss.needGrad {
		return fmt.Errorf("tensor: backward from a loss that depends on no parameter")
	}
	loss.g()[0] = 1
	tp.runBackward()
	return nil
}

// BackwardFrom seeds y's gradient with dy (len(y.Data) values, added to
// any gradient y already has) and runs the recorded backward closures in
// reverse order. It is Backward for a non-scalar output: the gradients
// are those of Σ_i dy_i·y_i.
func (tp *Tape) BackwardFrom(y *Tensor, dy []float32) error {
	if len(dy) != len(y.Data) {
		return fmt.Errorf("tensor: backward seed of %d values for a tensor of shape %v", len(dy), y.Shape)
	}
	if !y.needGrad {
		return fmt.Errorf("tensor: backward from a tensor that depends on no parameter")
	}
	kernel.Axpy(1, dy, y.g())
	tp.runBackward()
	return nil
}

func (tp *Tape) runBackward() {
	for i := len(tp.backward) - 1; i >= 0; i-- {
		tp.backward[i]()
	}
}

// arena is a bump allocator of float32 slices over a list of blocks that
// is kept across resets. A step that allocates the same sizes as the one
// before walks the same blocks in the same order, so steady-state
// training does not allocate; a new block is at least a quarter of what
// the step has used so far, which bounds both the number of blocks and
// the unused tail of the last one.
type arena struct {
	blocks [][]float32
	cur    int // index of the current block
	off    int // offset in the current block
	used   int // floats handed out since reset
	peak   int
}

const minBlock = 1 << 18

func (a *arena) alloc(n int) []float32 {
	for a.cur < len(a.blocks) && a.off+n > len(a.blocks[a.cur]) {
		a.cur++
		a.off = 0
	}
	if a.cur == len(a.blocks) {
		a.blocks = append(a.blocks, make([]float32, max(n, minBlock, a.used/4)))
	}
	s := a.blocks[a.cur][a.off : a.off+n : a.off+n]
	a.off += n
	a.used += n
	a.peak = max(a.peak, a.used)
	return s
}

func (a *arena) allocZero(n int) []float32 {
	s := a.alloc(n)
	clear(s)
	return s
}

func (a *arena) reset() { a.cur, a.off, a.used = 0, 0, 0 }
