package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// Data types: the dtype strings of the format and their sizes in bytes.
const (
	BOOL    = "BOOL"
	U8      = "U8"
	I8      = "I8"
	F8E4M3  = "F8_E4M3"
	F8E5M2  = "F8_E5M2"
	I16     = "I16"
	U16     = "U16"
	F16     = "F16"
	BF16    = "BF16"
	I32     = "I32"
	U32     = "U32"
	F32     = "F32"
	F64     = "F64"
	I64     = "I64"
	U64     = "U64"
	metaKey = "__metadata__"
)

var dtypeSize = map[string]int{
	BOOL: 1, U8: 1, I8: 1, F8E4M3: 1, F8E5M2: 1,
	I16: 2, U16: 2, F16: 2, BF16: 2,
	I32: 4, U32: 4, F32: 4,
	F64: 8, I64: 8, U64: 8,
}

// DTypeSize returns the size in bytes of one element of dtype, or 0 when
// dtype is not a known safetensors dtype.
func DTypeSize(dtype string) int { return dtypeSize[dtype] }

// Tensor is one named tensor: row-major, little-endian Data of the given
// DType and Shape. An empty Shape is a scalar (one element).
type Tensor struct {
	Name  string
	DType string
	Shape []int
	Data  []byte
}

// NumElements returns the product of shape (1 for a scalar), or an error
// when a dimension is negative or the product overflows.
func NumElements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %v has too many elements", shape)
		}
		n *= d
	}
	return n, nil
}

// check reports whether t is well formed: a usable name, a known dtype,
// and len(Data) equal to the element count times the dtype size.
func (t *Tensor) check() error {
	if t.Name == "" || t.Name == metaKey {
		return fmt.Errorf("tensor name %q not allowed", t.Name)
	}
	size := dtypeSize[t.DType]
	if size == 0 {
		return fmt.Errorf("tensor %q: unknown dtype %q", t.Name, t.DType)
	}
	n, err := NumElements(t.Shape)
	if err != nil {
		return fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	if n > math.MaxInt/size || n*size != len(t.Data) {
		return fmt.Errorf("tensor %q: %s%v needs %d×%d bytes, data has %d", t.Name, t.DType, t.Shape, n, size, len(t.Data))
	}
	return nil
}

// F32Tensor returns an F32 tensor holding a copy of data. It does not check
// that shape matches len(data); WriteFile does.
func F32Tensor(name string, shape []int, data []float32) Tensor {
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return Tensor{Name: name, DType: F32, Shape: slices.Clone(shape), Data: b}
}

// F16Tensor returns an F16 tensor holding data rounded to half precision
// (see Float32ToF16).
func F16Tensor(name string, shape []int, data []float32) Tensor {
	b := make([]byte, 2*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint16(b[2*i:], Float32ToF16(v))
	}
	return Tensor{Name: name, DType: F16, Shape: slices.Clone(shape), Data: b}
}

// Float32 returns t's elements as float32: F32 as is, F16, BF16 and F64
// converted (F64 rounded). Other dtypes and malformed tensors give an error.
func (t *Tensor) Float32() ([]float32, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	size := dtypeSize[t.DType]
	out := make([]float32, len(t.Data)/size)
	le := binary.LittleEndian
	switch t.DType {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(t.Data[4*i:]))
		}
	case F16:
		for i := range out {
			out[i] = F16ToFloat32(le.Uint16(t.Data[2*i:]))
		}
	case BF16:
		for i := range out {
			out[i] = BF16ToFloat32(le.Uint16(t.Data[2*i:]))
		}
	case F64:
		for i := range out {
			out[i] = float32(math.Float64frombits(le.Uint64(t.Data[8*i:])))
		}
	default:
		return nil, fmt.Errorf("tensor %q: dtype %s is not a float type", t.Name, t.DType)
	}
	return out, nil
}
