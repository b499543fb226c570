package gguf

import (
	"encoding/binary"
	"fmt"
	"reflect"
)

// codec encodes and decodes the metadata values of one GGUF value type; a
// GGUF array of that type is a Go slice of the codec's Go type.
type codec interface {
	valueType() valueType
	// minSize is the fewest bytes one value takes (a string's is its
	// length prefix).
	minSize() uint64
	goType() reflect.Type
	read(d *decoder) (any, error)
	readArray(d *decoder, n uint64) (any, error)
	write(e *encoder, v any)
	writeArray(e *encoder, v any)
}

// codecs is the value type table, in type order; array (9) has none of
// its own.
var codecs = []codec{
	typeUint8:   fixed[uint8](typeUint8),
	typeInt8:    fixed[int8](typeInt8),
	typeUint16:  fixed[uint16](typeUint16),
	typeInt16:   fixed[int16](typeInt16),
	typeUint32:  fixed[uint32](typeUint32),
	typeInt32:   fixed[int32](typeInt32),
	typeFloat32: fixed[float32](typeFloat32),
	typeBool:    fixed[bool](typeBool),
	typeString:  of[string]{typeString, 8, (*decoder).str, (*encoder).str},
	typeArray:   nil,
	typeUint64:  fixed[uint64](typeUint64),
	typeInt64:   fixed[int64](typeInt64),
	typeFloat64: fixed[float64](typeFloat64),
}

// codecFor returns the codec of value type vt, or false for array and
// unknown types.
func codecFor(vt valueType) (codec, bool) {
	if uint64(vt) >= uint64(len(codecs)) || codecs[vt] == nil {
		return nil, false
	}
	return codecs[vt], true
}

// codecOf returns the GGUF type of a metadata value and the codec of it or,
// for a slice, of its elements; false for a Go type KV does not allow.
func codecOf(v any) (valueType, codec, bool) {
	t := reflect.TypeOf(v)
	for _, c := range codecs {
		switch {
		case c == nil:
		case t == c.goType():
			return c.valueType(), c, true
		case t == reflect.SliceOf(c.goType()):
			return typeArray, c, true
		}
	}
	return 0, nil, false
}

// typeOf returns the GGUF type of a metadata value, or an error for a Go
// type KV does not allow.
func typeOf(v any) (valueType, error) {
	vt, _, ok := codecOf(v)
	if !ok {
		return 0, fmt.Errorf("value of Go type %T has no GGUF type", v)
	}
	return vt, nil
}

// of is the codec of Go type T, read and written by get and put.
type of[T any] struct {
	vt  valueType
	min uint64
	get func(*decoder) (T, error)
	put func(*encoder, T)
}

func (c of[T]) valueType() valueType         { return c.vt }
func (c of[T]) minSize() uint64              { return c.min }
func (c of[T]) goType() reflect.Type         { return reflect.TypeFor[T]() }
func (c of[T]) read(d *decoder) (any, error) { return c.get(d) }
func (c of[T]) write(e *encoder, v any)      { c.put(e, v.(T)) }

// readArray reads n elements (the caller checked that they can fit).
func (c of[T]) readArray(d *decoder, n uint64) (any, error) {
	out := make([]T, n)
	for i := range out {
		var err error
		if out[i], err = c.get(d); err != nil {
			return nil, fmt.Errorf("array element %d: %w", i, err)
		}
	}
	return out, nil
}

// writeArray writes an array header and its untyped elements.
func (c of[T]) writeArray(e *encoder, v any) {
	xs := v.([]T)
	e.u32(uint32(c.vt))
	e.u64(uint64(len(xs)))
	for _, x := range xs {
		c.put(e, x)
	}
}

// fixed is the codec of a fixed-size Go type, encoded little-endian as
// encoding/binary does (a bool as one byte, 0 or 1; any non-zero byte
// reads as true).
func fixed[T any](vt valueType) of[T] {
	var zero T
	size := uint64(binary.Size(zero))
	return of[T]{
		vt:  vt,
		min: size,
		get: func(d *decoder) (T, error) {
			var x T
			p, err := d.take(size)
			if err != nil {
				return x, err
			}
			_, err = binary.Decode(p, binary.LittleEndian, &x)
			return x, err
		},
		put: func(e *encoder, x T) {
			b, _ := binary.Append(e.buf[:0], binary.LittleEndian, x)
			e.bytes(b)
		},
	}
}
