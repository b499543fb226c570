package gguf

import (
	"fmt"
	"math"

	"github.com/cemlab/cem/safetensors"
)

// Magic, Version and DefaultAlignment are the GGUF constants this package
// writes.
const (
	Magic            = "GGUF"
	Version          = 3
	DefaultAlignment = 32
	// MaxDims is the most dimensions a ggml tensor has.
	MaxDims = 4
	// MaxNameLen is the longest tensor name llama.cpp accepts, in bytes.
	MaxNameLen = 63
)

// Type is a ggml tensor type.
type Type uint32

// Tensor types this package encodes and decodes.
const (
	TypeF32  Type = 0
	TypeF16  Type = 1
	TypeQ8_0 Type = 8
)

// blockSize is the number of elements per block of a type, blockBytes its
// encoded size.
func (t Type) block() (elems, bytes int, ok bool) {
	switch t {
	case TypeF32:
		return 1, 4, true
	case TypeF16:
		return 1, 2, true
	case TypeQ8_0:
		return q8Block, q8Bytes, true
	}
	return 0, 0, false
}

// String returns the ggml name of t ("F32", "F16", "Q8_0").
func (t Type) String() string {
	switch t {
	case TypeF32:
		return "F32"
	case TypeF16:
		return "F16"
	case TypeQ8_0:
		return "Q8_0"
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// DataSize returns the encoded size of a tensor of type t and row-major
// shape, or an error when the type is not supported, a dimension is
// negative, the element or byte count overflows int, or the fastest
// dimension is not a multiple of the type's block size.
func DataSize(t Type, shape []int) (int, error) {
	elems, bytes, ok := t.block()
	if !ok {
		return 0, fmt.Errorf("unsupported tensor type %s", t)
	}
	n, err := safetensors.NumElements(shape)
	if err != nil {
		return 0, err
	}
	inner := 1
	if len(shape) > 0 {
		inner = shape[len(shape)-1]
	}
	if inner%elems != 0 {
		return 0, fmt.Errorf("%s needs the fastest dimension (%d in shape %v) to be a multiple of %d", t, inner, shape, elems)
	}
	if n/elems > math.MaxInt/bytes {
		return 0, fmt.Errorf("%s%v has too many bytes", t, shape)
	}
	return n / elems * bytes, nil
}

// valueType is a GGUF metadata value type.
type valueType uint32

const (
	typeUint8 valueType = iota // GGUF numbers the types 0 to 12 in this order
	typeInt8
	typeUint16
	typeInt16
	typeUint32
	typeInt32
	typeFloat32
	typeBool
	typeString
	typeArray
	typeUint64
	typeInt64
	typeFloat64
)

// KV is one metadata key/value pair. Value is one of uint8, int8, uint16,
// int16, uint32, int32, uint64, int64, float32, float64, bool, string, or a
// slice of one of these (a GGUF array); no other Go type is accepted.
type KV struct {
	Key   string
	Value any
}

// Tensor is one tensor to write or one read back: Data holds the encoded
// elements (see F32, F16 and Q8_0), Shape is row-major.
type Tensor struct {
	Name  string
	Type  Type
	Shape []int
	Data  []byte
}
