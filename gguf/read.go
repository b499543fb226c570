package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// ErrFormat is wrapped by every error that reports a malformed file.
var ErrFormat = errors.New("malformed GGUF")

// File is a decoded GGUF file.
type File struct {
	Version   uint32
	Alignment int
	KV        []KV     // in file order; values as described for KV
	Tensors   []Tensor // in file order; Data aliases the bytes given to Parse
}

// Value returns the value of the metadata key.
func (f *File) Value(key string) (any, bool) {
	for _, kv := range f.KV {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// Tensor returns the tensor called name.
func (f *File) Tensor(name string) (*Tensor, bool) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], true
		}
	}
	return nil, false
}

// Float32 returns the values (dequantised for F16 and Q8_0) and row-major
// shape of the tensor called name.
func (f *File) Float32(name string) ([]float32, []int, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, nil, fmt.Errorf("gguf: no tensor %q", name)
	}
	data, err := decode(t.Type, t.Data, product(t.Shape))
	if err != nil {
		return nil, nil, fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	return data, t.Shape, nil
}

// ReadFile reads and validates the GGUF file at path (see Parse).
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	f, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("gguf: %s: %w", path, err)
	}
	return f, nil
}

// Parse decodes a whole GGUF file (version 2 or 3) held in b. It accepts
// the metadata value types of KV (nested arrays are not supported) and the
// tensor types F32, F16 and Q8_0, and checks every length against the
// bytes present, the alignment (a uint32 power of two), that tensors are
// laid out back to back at aligned offsets as llama.cpp requires, and that
// names are unique. Every error wraps ErrFormat.
func Parse(b []byte) (*File, error) {
	d := &decoder{b: b}
	f, err := d.file()
	if err != nil {
		return nil, fmt.Errorf("%w: at byte %d: %v", ErrFormat, d.pos, err)
	}
	return f, nil
}

// decoder reads little-endian values from b.
type decoder struct {
	b   []byte
	pos int
}

var errShort = errors.New("unexpected end of file")

func (d *decoder) take(n uint64) ([]byte, error) {
	if n > uint64(len(d.b)-d.pos) {
		return nil, errShort
	}
	p := d.b[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return p, nil
}

func (d *decoder) u32() (uint32, error) {
	p, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(p), nil
}

func (d *decoder) u64() (uint64, error) {
	p, err := d.take(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(p), nil
}

func (d *decoder) str() (string, error) {
	n, err := d.u64()
	if err != nil {
		return "", err
	}
	p, err := d.take(n)
	if err != nil {
		return "", fmt.Errorf("string of %d bytes: %w", n, err)
	}
	return string(p), nil
}

func (d *decoder) remaining() uint64 { return uint64(len(d.b) - d.pos) }

func (d *decoder) file() (*File, error) {
	magic, err := d.take(4)
	if err != nil || string(magic) != Magic {
		return nil, fmt.Errorf("not a GGUF file (magic %q)", magic)
	}
	version, err := d.u32()
	if err != nil {
		return nil, err
	}
	if version != 2 && version != 3 {
		return nil, fmt.Errorf("version %d, want 2 or 3", version)
	}
	nt, err := d.u64()
	if err != nil {
		return nil, err
	}
	nkv, err := d.u64()
	if err != nil {
		return nil, err
	}
	// Each pair needs at least 13 bytes, each tensor info 24: bound the
	// counts before allocating.
	if nkv > d.remaining()/13 || nt > d.remaining()/24 {
		return nil, fmt.Errorf("%d key/value pairs and %d tensors cannot fit in %d bytes", nkv, nt, d.remaining())
	}
	f := &File{Version: version, Alignment: DefaultAlignment, KV: make([]KV, 0, nkv)}
	keys := make(map[string]bool, nkv)
	for range nkv {
		kv, err := d.kv()
		if err != nil {
			return nil, err
		}
		if keys[kv.Key] {
			return nil, fmt.Errorf("metadata key %q given twice", kv.Key)
		}
		keys[kv.Key] = true
		if kv.Key == KeyAlignment {
			a, ok := kv.Value.(uint32)
			if !ok || a == 0 || a&(a-1) != 0 {
				return nil, fmt.Errorf("%s = %v (%T), want a uint32 power of two", KeyAlignment, kv.Value, kv.Value)
			}
			f.Alignment = int(a)
		}
		f.KV = append(f.KV, kv)
	}
	offsets := make([]uint64, nt)
	names := make(map[string]bool, nt)
	for i := range nt {
		t, off, err := d.tensorInfo()
		if err != nil {
			return nil, err
		}
		if names[t.Name] {
			return nil, fmt.Errorf("tensor %q given twice", t.Name)
		}
		names[t.Name] = true
		f.Tensors = append(f.Tensors, t)
		offsets[i] = off
	}
	align := uint64(f.Alignment)
	start := (uint64(d.pos) + align - 1) / align * align
	var next uint64
	for i := range f.Tensors {
		t := &f.Tensors[i]
		size, _ := DataSize(t.Type, t.Shape) // checked by tensorInfo
		if offsets[i] != next {
			return nil, fmt.Errorf("tensor %q at data offset %d, want %d (tensors must follow each other, aligned to %d)", t.Name, offsets[i], next, align)
		}
		if start+next+uint64(size) > uint64(len(d.b)) {
			return nil, fmt.Errorf("tensor %q: %d bytes at file offset %d run past the end of the %d-byte file (truncated?)", t.Name, size, start+next, len(d.b))
		}
		t.Data = d.b[start+next : start+next+uint64(size) : start+next+uint64(size)]
		next += (uint64(size) + align - 1) / align * align
	}
	return f, nil
}

func (d *decoder) kv() (KV, error) {
	key, err := d.str()
	if err != nil {
		return KV{}, fmt.Errorf("metadata key: %w", err)
	}
	vt, err := d.u32()
	if err != nil {
		return KV{}, err
	}
	v, err := d.value(valueType(vt))
	if err != nil {
		return KV{}, fmt.Errorf("metadata %q: %w", key, err)
	}
	return KV{Key: key, Value: v}, nil
}

// value reads one value of type vt.
func (d *decoder) value(vt valueType) (any, error) {
	if vt == typeArray {
		return d.array()
	}
	c, ok := codecFor(vt)
	if !ok {
		return nil, fmt.Errorf("unknown value type %d", vt)
	}
	return c.read(d)
}

// array reads an array as a Go slice of its element type.
func (d *decoder) array() (any, error) {
	et, err := d.u32()
	if err != nil {
		return nil, err
	}
	n, err := d.u64()
	if err != nil {
		return nil, err
	}
	if valueType(et) == typeArray {
		return nil, errors.New("nested arrays are not supported")
	}
	c, ok := codecFor(valueType(et))
	if !ok {
		return nil, fmt.Errorf("unknown array element type %d", et)
	}
	if n > d.remaining()/c.minSize() {
		return nil, fmt.Errorf("array of %d elements cannot fit in %d bytes", n, d.remaining())
	}
	return c.readArray(d, n)
}

// tensorInfo reads one tensor description and returns the tensor (without
// data) and its data offset.
func (d *decoder) tensorInfo() (Tensor, uint64, error) {
	name, err := d.str()
	if err != nil {
		return Tensor{}, 0, fmt.Errorf("tensor name: %w", err)
	}
	if name == "" || len(name) > MaxNameLen {
		return Tensor{}, 0, fmt.Errorf("tensor name %q must have 1 to %d bytes", name, MaxNameLen)
	}
	nd, err := d.u32()
	if err != nil {
		return Tensor{}, 0, err
	}
	if nd == 0 || nd > MaxDims {
		return Tensor{}, 0, fmt.Errorf("tensor %q: %d dimensions, want 1 to %d", name, nd, MaxDims)
	}
	shape := make([]int, nd)
	for i := range shape {
		ne, err := d.u64()
		if err != nil {
			return Tensor{}, 0, err
		}
		if ne > 1<<40 {
			return Tensor{}, 0, fmt.Errorf("tensor %q: dimension %d is %d", name, i, ne)
		}
		shape[int(nd)-1-i] = int(ne) // back to row-major
	}
	typ, err := d.u32()
	if err != nil {
		return Tensor{}, 0, err
	}
	if _, err := DataSize(Type(typ), shape); err != nil {
		return Tensor{}, 0, fmt.Errorf("tensor %q: %w", name, err)
	}
	off, err := d.u64()
	if err != nil {
		return Tensor{}, 0, err
	}
	return Tensor{Name: name, Type: Type(typ), Shape: shape}, off, nil
}
