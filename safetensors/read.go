package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// MaxHeaderSize is the largest JSON header Parse accepts (as the reference
// implementation: 100 MB).
const MaxHeaderSize = 100 << 20

// ErrFormat is wrapped by every error that reports a malformed file.
var ErrFormat = errors.New("malformed safetensors")

// File is a decoded safetensors file.
type File struct {
	// Metadata is the "__metadata__" map; nil when the file has none.
	Metadata map[string]string
	// Tensors are the tensors in data order. Their Data alias the buffer
	// given to Parse (or read by ReadFile).
	Tensors []Tensor
	index   map[string]int
}

// Tensor returns the tensor called name.
func (f *File) Tensor(name string) (*Tensor, bool) {
	i, ok := f.index[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// Float32 returns the elements (converted as Tensor.Float32 does) and a
// copy of the shape of the tensor called name, or an error when there is no
// such tensor or it is not of a float dtype.
func (f *File) Float32(name string) ([]float32, []int, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, nil, fmt.Errorf("safetensors: no tensor %q", name)
	}
	data, err := t.Float32()
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	return data, slices.Clone(t.Shape), nil
}

// ReadFile reads and validates the safetensors file at path (see Parse).
// Errors name the file.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	f, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	return f, nil
}

// tensorInfo is one header entry.
type tensorInfo struct {
	DType   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets []uint64 `json:"data_offsets"`
}

// Parse decodes and validates a whole safetensors file held in b. The
// returned tensors alias b. Every error wraps ErrFormat.
func Parse(b []byte) (*File, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the 8-byte header length", ErrFormat, len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("%w: header length %d exceeds %d", ErrFormat, n, MaxHeaderSize)
	}
	if n > uint64(len(b)-8) {
		return nil, fmt.Errorf("%w: header length %d but only %d bytes follow (truncated?)", ErrFormat, n, len(b)-8)
	}
	header, data := b[8:8+n], b[8+n:]
	f, infos, err := parseHeader(header)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if err := f.place(infos, data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return f, nil
}

// parseHeader decodes the JSON header, rejecting duplicate names, unknown
// fields and trailing bytes other than spaces.
func parseHeader(header []byte) (*File, []tensorInfo, error) {
	if len(header) == 0 || header[0] != '{' {
		return nil, nil, errors.New("does not start with '{'")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.DisallowUnknownFields()
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	f := &File{index: make(map[string]int)}
	var infos []tensorInfo
	seenMeta := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		name, _ := tok.(string) // object keys are always strings
		if name == metaKey {
			if seenMeta {
				return nil, nil, fmt.Errorf("%s given twice", metaKey)
			}
			seenMeta = true
			if err := dec.Decode(&f.Metadata); err != nil {
				return nil, nil, fmt.Errorf("%s: %v", metaKey, err)
			}
			continue
		}
		if _, dup := f.index[name]; dup {
			return nil, nil, fmt.Errorf("tensor %q given twice", name)
		}
		var info tensorInfo
		if err := dec.Decode(&info); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %v", name, err)
		}
		f.index[name] = len(f.Tensors)
		f.Tensors = append(f.Tensors, Tensor{Name: name, DType: info.DType, Shape: info.Shape})
		infos = append(infos, info)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, nil, err
	}
	rest := header[dec.InputOffset():]
	if len(bytes.Trim(rest, " \t\r\n")) != 0 {
		return nil, nil, fmt.Errorf("%d unexpected bytes after the JSON object", len(rest))
	}
	return f, infos, nil
}

// place checks each tensor's dtype, shape and byte range, requires the
// ranges to tile data exactly, and points each tensor's Data at its range.
func (f *File) place(infos []tensorInfo, data []byte) error {
	order := make([]int, len(infos))
	for i, info := range infos {
		t := &f.Tensors[i]
		if t.Name == "" {
			return errors.New("tensor with an empty name")
		}
		size := dtypeSize[info.DType]
		if size == 0 {
			return fmt.Errorf("tensor %q: unknown dtype %q", t.Name, info.DType)
		}
		if info.Shape == nil {
			return fmt.Errorf("tensor %q: no shape", t.Name)
		}
		if len(info.Offsets) != 2 || info.Offsets[0] > info.Offsets[1] {
			return fmt.Errorf("tensor %q: data_offsets %v, want [begin, end] with begin <= end", t.Name, info.Offsets)
		}
		n, err := NumElements(info.Shape)
		if err != nil {
			return fmt.Errorf("tensor %q: %v", t.Name, err)
		}
		if got := info.Offsets[1] - info.Offsets[0]; n > int(^uint(0)>>1)/size || got != uint64(n*size) {
			return fmt.Errorf("tensor %q: %s%v needs %d×%d bytes, data_offsets %v span %d",
				t.Name, info.DType, info.Shape, n, size, info.Offsets, got)
		}
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(infos[a].Offsets[0], infos[b].Offsets[0]) })
	var end uint64
	for _, i := range order {
		o := infos[i].Offsets
		switch {
		case o[0] > end:
			return fmt.Errorf("tensor %q: data_offsets %v leave bytes [%d, %d) unused", f.Tensors[i].Name, o, end, o[0])
		case o[0] < end:
			return fmt.Errorf("tensor %q: data_offsets %v overlap the previous tensor, which ends at %d", f.Tensors[i].Name, o, end)
		case o[1] > uint64(len(data)):
			return fmt.Errorf("tensor %q: data_offsets %v past the end of the %d-byte data (truncated?)", f.Tensors[i].Name, o, len(data))
		}
		end = o[1]
		f.Tensors[i].Data = data[o[0]:o[1]:o[1]]
	}
	if end != uint64(len(data)) {
		return fmt.Errorf("%d bytes after the last tensor", uint64(len(data))-end)
	}
	// Present tensors in data order.
	sorted := make([]Tensor, len(order))
	for k, i := range order {
		sorted[k] = f.Tensors[i]
		f.index[sorted[k].Name] = k
	}
	f.Tensors = sorted
	return nil
}

// Read is ReadFile for an io.Reader.
func Read(r io.Reader) (*File, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	return Parse(b)
}
