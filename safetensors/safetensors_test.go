package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLayout checks the exact bytes against a layout computed by hand from
// the format description.
func TestLayout(t *testing.T) {
	got, err := Encode([]Tensor{
		F32Tensor("w", []int{2}, []float32{1, -2}),
		{Name: "b", DType: U8, Shape: []int{3}, Data: []byte{7, 8, 9}},
	}, map[string]string{"format": "pt"})
	if err != nil {
		t.Fatal(err)
	}
	header := `{"__metadata__":{"format":"pt"},` +
		`"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},` +
		`"b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}`
	for len(header)%8 != 0 {
		header += " "
	}
	want := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	want = append(want, header...)
	want = append(want, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0) // 1.0, -2.0
	want = append(want, 7, 8, 9)
	if !bytes.Equal(got, want) {
		t.Fatalf("Encode =\n%q\nwant\n%q", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	tensors := []Tensor{
		F32Tensor("layers.0.w", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
		F16Tensor("half", []int{3}, []float32{0.5, -1, 65504}),
		F32Tensor("scalar", nil, []float32{3.25}),
		F32Tensor("empty", []int{0, 4}, nil),
		{Name: "ids", DType: I64, Shape: []int{2}, Data: make([]byte, 16)},
		{Name: "flags", DType: BOOL, Shape: []int{1}, Data: []byte{1}},
		{Name: "bf", DType: BF16, Shape: []int{1}, Data: []byte{0x80, 0x3f}},
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	meta := map[string]string{"step": "12", "config": `{"dim":4}`}
	if err := WriteFile(path, tensors, meta); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Metadata) != 2 || f.Metadata["config"] != `{"dim":4}` {
		t.Errorf("Metadata = %v; want %v", f.Metadata, meta)
	}
	if len(f.Tensors) != len(tensors) {
		t.Fatalf("%d tensors; want %d", len(f.Tensors), len(tensors))
	}
	for _, want := range tensors {
		got, ok := f.Tensor(want.Name)
		if !ok {
			t.Fatalf("tensor %q missing", want.Name)
		}
		if got.DType != want.DType || !slices.Equal(got.Shape, shapeOrEmpty(want.Shape)) || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("tensor %q = %s%v %x; want %s%v %x", want.Name, got.DType, got.Shape, got.Data, want.DType, want.Shape, want.Data)
		}
	}
	// Larger elements come first in the data, so each is aligned.
	for i := 1; i < len(f.Tensors); i++ {
		if DTypeSize(f.Tensors[i].DType) > DTypeSize(f.Tensors[i-1].DType) {
			t.Errorf("tensor %q (%s) stored after %q (%s)", f.Tensors[i].Name, f.Tensors[i].DType, f.Tensors[i-1].Name, f.Tensors[i-1].DType)
		}
	}
	tests := []struct {
		name  string
		want  []float32
		shape []int
	}{
		{"layers.0.w", []float32{1, 2, 3, 4, 5, 6}, []int{2, 3}},
		{"half", []float32{0.5, -1, 65504}, []int{3}},
		{"scalar", []float32{3.25}, []int{}},
		{"bf", []float32{1}, []int{1}},
	}
	for _, tt := range tests {
		got, shape, err := f.Float32(tt.name)
		if err != nil || !slices.Equal(got, tt.want) || !slices.Equal(shape, tt.shape) {
			t.Errorf("Float32(%q) = %v, %v, %v; want %v, %v", tt.name, got, shape, err, tt.want, tt.shape)
		}
	}
	if _, _, err := f.Float32("ids"); err == nil {
		t.Error("Float32(ids) of an I64 tensor succeeded")
	}
	if _, _, err := f.Float32("nope"); err == nil {
		t.Error("Float32(nope) succeeded")
	}
}

func shapeOrEmpty(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		tensors []Tensor
	}{
		{"duplicate", []Tensor{F32Tensor("a", []int{1}, []float32{1}), F32Tensor("a", []int{1}, []float32{2})}},
		{"size mismatch", []Tensor{F32Tensor("a", []int{3}, []float32{1})}},
		{"unknown dtype", []Tensor{{Name: "a", DType: "F12", Shape: []int{1}, Data: []byte{0}}}},
		{"empty name", []Tensor{F32Tensor("", []int{1}, []float32{1})}},
		{"reserved name", []Tensor{F32Tensor(metaKey, []int{1}, []float32{1})}},
		{"negative shape", []Tensor{{Name: "a", DType: U8, Shape: []int{-1}}}},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := WriteFile(path, tt.tensors, nil); err == nil {
			t.Errorf("%s: WriteFile succeeded; want error", tt.name)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%s: WriteFile left %s behind", tt.name, path)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed writes left %d files", len(entries))
	}
}

// file builds a safetensors file from a raw header and data.
func file(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func TestParseErrors(t *testing.T) {
	good := file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8))
	if _, err := Parse(good); err != nil {
		t.Fatalf("Parse(good) = %v", err)
	}
	huge := binary.LittleEndian.AppendUint64(nil, MaxHeaderSize+1)
	tests := []struct {
		name, want string
		in         []byte
	}{
		{"empty", "shorter than", nil},
		{"truncated data", "past the end", good[:len(good)-1]},
		{"truncated header", "truncated", good[:20]},
		{"huge header", "exceeds", append(huge, make([]byte, 16)...)},
		{"not an object", "'{'", file(`[1]`, nil)},
		{"bad json", "header", file(`{"a":`, nil)},
		{"trailing bytes", "after the JSON", file(`{} x`, nil)},
		{"unknown dtype", "unknown dtype", file(`{"a":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}}`, []byte{0})},
		{"unknown field", "unknown field", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}}`, []byte{0})},
		{"no shape", "no shape", file(`{"a":{"dtype":"U8","data_offsets":[0,1]}}`, []byte{0})},
		{"negative shape", "negative", file(`{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}`, []byte{0})},
		{"size mismatch", "needs", file(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, make([]byte, 8))},
		{"offsets reversed", "begin <= end", file(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[2,1]}}`, nil)},
		{"three offsets", "begin <= end", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}`, []byte{0})},
		{"overlap", "overlap", file(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, make([]byte, 3))},
		{"hole", "unused", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, make([]byte, 2))},
		{"extra data", "after the last", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 2))},
		{"out of range", "past the end", file(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}`, make([]byte, 2))},
		{"duplicate", "twice", file(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`, nil)},
		{"metadata not strings", "__metadata__", file(`{"__metadata__":{"a":1}}`, nil)},
		{"overflow shape", "too many", file(`{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, nil)},
		{"empty name", "empty name", file(`{"":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}`, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v; want ErrFormat mentioning %q", err, tt.want)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := os.WriteFile(path, good[:10], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadFile error = %v; want one naming %s", err, path)
	}
}

func TestF16Exhaustive(t *testing.T) {
	for h := range 1 << 16 {
		f := F16ToFloat32(uint16(h))
		back := Float32ToF16(f)
		if f != f { // NaN: canonical quiet NaN with the sign kept
			if back != uint16(h)&0x8000|0x7e00 {
				t.Fatalf("NaN %#04x -> %#04x", h, back)
			}
			continue
		}
		if back != uint16(h) {
			t.Fatalf("F16 %#04x -> %v -> %#04x", h, f, back)
		}
	}
}

func TestF16Rounding(t *testing.T) {
	tests := []struct {
		in   float32
		want uint16
	}{
		{1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {65520, 0x7c00}, {1e9, 0x7c00},
		{float32(math.Inf(-1)), 0xfc00}, {5.960464477539063e-08, 0x0001}, // smallest subnormal
		{2.9802322387695312e-08, 0x0000}, // half of it: tie to even 0
		{4.470348358154297e-08, 0x0001},  // 0.75 of it
		{1 + 1.0/2048, 0x3c00},           // tie to even
		{1 + 3.0/2048, 0x3c02},           // tie to even (up)
		{6.097555160522461e-05, 0x03ff},  // largest subnormal
		{6.103515625e-05, 0x0400},        // smallest normal
		{float32(math.Copysign(0, -1)), 0x8000},
	}
	for _, tt := range tests {
		if got := Float32ToF16(tt.in); got != tt.want {
			t.Errorf("Float32ToF16(%v) = %#04x; want %#04x", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	seed, _ := Encode([]Tensor{F32Tensor("a", []int{2}, []float32{1, 2}), {Name: "b", DType: U8, Shape: []int{1}, Data: []byte{1}}}, map[string]string{"k": "v"})
	f.Add(seed)
	f.Add(file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{0}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		parsed, err := Parse(b)
		if err != nil {
			return
		}
		again, err := Encode(parsed.Tensors, parsed.Metadata)
		if err != nil {
			t.Fatalf("re-encoding a parsed file: %v", err)
		}
		back, err := Parse(again)
		if err != nil {
			t.Fatalf("parsing a re-encoded file: %v", err)
		}
		if len(back.Tensors) != len(parsed.Tensors) {
			t.Fatalf("%d tensors after a round trip; want %d", len(back.Tensors), len(parsed.Tensors))
		}
		for _, want := range parsed.Tensors {
			got, ok := back.Tensor(want.Name)
			if !ok || got.DType != want.DType || !slices.Equal(got.Shape, want.Shape) || !bytes.Equal(got.Data, want.Data) {
				t.Fatalf("tensor %q changed in a round trip", want.Name)
			}
		}
	})
}
