package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/cemlab/cem/internal/atomicfile"
)

// WriteFile writes a GGUF v3 file with the metadata meta (in the given
// order) and tensors (in the given order) to path, atomically: it writes a
// temporary file in the same folder, syncs it and renames it over path.
// The alignment is the uint32 value of general.alignment when meta has
// one (it must be a power of two), else 32.
//
// It fails, leaving path untouched, on a duplicate or empty key, a value
// of a type KV does not allow, a duplicate, empty or over-long tensor name,
// more than 4 dimensions, an unsupported tensor type, or data whose length
// does not match the type and shape.
func WriteFile(path string, meta []KV, tensors []Tensor) error {
	err := atomicfile.WriteFile(path, func(w io.Writer) error {
		return Encode(w, meta, tensors)
	}, 0o600)
	if err != nil {
		return fmt.Errorf("gguf: write %s: %w", path, err)
	}
	return nil
}

// Encode writes the GGUF encoding of meta and tensors to w (see WriteFile).
// Everything is validated before the first byte is written.
func Encode(w io.Writer, meta []KV, tensors []Tensor) error {
	align, err := checkMeta(meta)
	if err != nil {
		return err
	}
	offsets, err := checkTensors(tensors, align)
	if err != nil {
		return err
	}
	e := &encoder{w: w}
	e.bytes([]byte(Magic))
	e.u32(Version)
	e.u64(uint64(len(tensors)))
	e.u64(uint64(len(meta)))
	for _, kv := range meta {
		e.str(kv.Key)
		e.value(kv.Value)
	}
	for i, t := range tensors {
		e.str(t.Name)
		e.u32(uint32(len(t.Shape)))
		for d := len(t.Shape) - 1; d >= 0; d-- { // ne[0] is the fastest dimension
			e.u64(uint64(t.Shape[d]))
		}
		e.u32(uint32(t.Type))
		e.u64(uint64(offsets[i]))
	}
	e.pad(align)
	start := e.n
	for i, t := range tensors {
		e.zeros(start + int64(offsets[i]) - e.n)
		e.bytes(t.Data)
	}
	e.pad(align)
	return e.err
}

// checkMeta validates meta and returns the alignment it asks for.
func checkMeta(meta []KV) (int, error) {
	align := DefaultAlignment
	seen := make(map[string]bool, len(meta))
	for _, kv := range meta {
		if kv.Key == "" {
			return 0, errors.New("gguf: empty metadata key")
		}
		if seen[kv.Key] {
			return 0, fmt.Errorf("gguf: metadata key %q given twice", kv.Key)
		}
		seen[kv.Key] = true
		if _, err := typeOf(kv.Value); err != nil {
			return 0, fmt.Errorf("gguf: metadata %q: %w", kv.Key, err)
		}
		if kv.Key == KeyAlignment {
			a, ok := kv.Value.(uint32)
			if !ok || a == 0 || a&(a-1) != 0 {
				return 0, fmt.Errorf("gguf: %s must be a uint32 power of two, have %v (%T)", KeyAlignment, kv.Value, kv.Value)
			}
			align = int(a)
		}
	}
	return align, nil
}

// checkTensors validates tensors and returns their data offsets.
func checkTensors(tensors []Tensor, align int) ([]int, error) {
	offsets := make([]int, len(tensors))
	seen := make(map[string]bool, len(tensors))
	off := 0
	for i, t := range tensors {
		switch {
		case t.Name == "" || len(t.Name) > MaxNameLen:
			return nil, fmt.Errorf("gguf: tensor name %q must have 1 to %d bytes", t.Name, MaxNameLen)
		case seen[t.Name]:
			return nil, fmt.Errorf("gguf: tensor %q given twice", t.Name)
		case len(t.Shape) == 0 || len(t.Shape) > MaxDims:
			return nil, fmt.Errorf("gguf: tensor %q: %d dimensions, want 1 to %d", t.Name, len(t.Shape), MaxDims)
		}
		seen[t.Name] = true
		size, err := DataSize(t.Type, t.Shape)
		if err != nil {
			return nil, fmt.Errorf("gguf: tensor %q: %w", t.Name, err)
		}
		if size != len(t.Data) {
			return nil, fmt.Errorf("gguf: tensor %q: %s%v needs %d bytes, data has %d", t.Name, t.Type, t.Shape, size, len(t.Data))
		}
		offsets[i] = off
		off += (size + align - 1) / align * align
	}
	return offsets, nil
}

// encoder writes little-endian values, counting bytes and keeping the
// first error.
type encoder struct {
	w   io.Writer
	n   int64
	err error
	buf [8]byte
}

func (e *encoder) bytes(b []byte) {
	if e.err != nil {
		return
	}
	n, err := e.w.Write(b)
	e.n += int64(n)
	e.err = err
}

func (e *encoder) u32(v uint32) { binary.LittleEndian.PutUint32(e.buf[:], v); e.bytes(e.buf[:4]) }
func (e *encoder) u64(v uint64) { binary.LittleEndian.PutUint64(e.buf[:], v); e.bytes(e.buf[:8]) }
func (e *encoder) str(s string) { e.u64(uint64(len(s))); e.bytes([]byte(s)) }

func (e *encoder) zeros(n int64) {
	var z [64]byte
	for n > 0 {
		k := min(n, int64(len(z)))
		e.bytes(z[:k])
		n -= k
	}
}

func (e *encoder) pad(align int) { e.zeros((int64(align) - e.n%int64(align)) % int64(align)) }

// value writes a metadata value, preceded by its type.
func (e *encoder) value(v any) {
	vt, c, _ := codecOf(v) // checked by checkMeta
	e.u32(uint32(vt))
	if vt == typeArray {
		c.writeArray(e, v)
		return
	}
	c.write(e, v)
}
