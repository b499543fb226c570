package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/cemlab/cem/safetensors"
)

// Q8_0 block geometry: 32 values, a float16 scale and 32 int8.
const (
	q8Block = 32
	q8Bytes = 2 + q8Block
)

// F32 returns an F32 tensor holding a copy of data. The shape is not
// checked against len(data) until the tensor is written.
func F32(name string, shape []int, data []float32) Tensor {
	t := safetensors.F32Tensor(name, shape, data)
	return Tensor{Name: name, Type: TypeF32, Shape: t.Shape, Data: t.Data}
}

// F16 returns an F16 tensor holding data rounded to half precision (round
// to nearest even; beyond ±65504 becomes ±Inf).
func F16(name string, shape []int, data []float32) Tensor {
	t := safetensors.F16Tensor(name, shape, data)
	return Tensor{Name: name, Type: TypeF16, Shape: t.Shape, Data: t.Data}
}

// Q8_0 returns a Q8_0 tensor of data, quantised as ggml's reference
// quantize_row_q8_0 does: per block of 32, d = max|x|/127 stored as
// float16, q = round(x/d) (halves away from zero; all zero when d is 0).
// It fails when len(data) does not match shape, or the last dimension is
// not a multiple of 32.
func Q8_0(name string, shape []int, data []float32) (Tensor, error) {
	size, err := DataSize(TypeQ8_0, shape)
	if err != nil {
		return Tensor{}, fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	if size/q8Bytes*q8Block != len(data) {
		return Tensor{}, fmt.Errorf("gguf: tensor %q: shape %v holds %d values, data has %d", name, shape, size/q8Bytes*q8Block, len(data))
	}
	b := make([]byte, size)
	for blk := range len(data) / q8Block {
		x := data[blk*q8Block : (blk+1)*q8Block]
		out := b[blk*q8Bytes : (blk+1)*q8Bytes]
		var amax float32
		for _, v := range x {
			amax = max(amax, float32(math.Abs(float64(v))))
		}
		d := amax / 127
		var id float32
		if d != 0 {
			id = 1 / d
		}
		binary.LittleEndian.PutUint16(out, safetensors.Float32ToF16(d))
		for j, v := range x {
			out[2+j] = byte(int8(math.Round(float64(v * id))))
		}
	}
	return Tensor{Name: name, Type: TypeQ8_0, Shape: slices.Clone(shape), Data: b}, nil
}

// decode returns the float32 values of encoded tensor data of type t
// holding n values.
func decode(t Type, data []byte, n int) ([]float32, error) {
	out := make([]float32, n)
	le := binary.LittleEndian
	switch t {
	case TypeF32:
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(data[4*i:]))
		}
	case TypeF16:
		for i := range out {
			out[i] = safetensors.F16ToFloat32(le.Uint16(data[2*i:]))
		}
	case TypeQ8_0:
		for blk := range n / q8Block {
			in := data[blk*q8Bytes:]
			d := safetensors.F16ToFloat32(le.Uint16(in))
			for j := range q8Block {
				out[blk*q8Block+j] = d * float32(int8(in[2+j]))
			}
		}
	default:
		return nil, fmt.Errorf("cannot decode tensor type %s", t)
	}
	return out, nil
}
