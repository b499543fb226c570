package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestLayout checks the exact bytes of a small file against a layout
// computed by hand from the GGUF description.
func TestLayout(t *testing.T) {
	var got bytes.Buffer
	err := Encode(&got, []KV{{"a.n", uint32(7)}, {"s", []string{"x"}}}, []Tensor{F32("w", []int{1, 2}, []float32{1, -2})})
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	le := binary.LittleEndian
	want = append(want, "GGUF"...)
	want = le.AppendUint32(want, 3)
	want = le.AppendUint64(want, 1) // tensors
	want = le.AppendUint64(want, 2) // key/value pairs
	want = le.AppendUint64(want, 3)
	want = append(want, "a.n"...)
	want = le.AppendUint32(want, 4) // uint32
	want = le.AppendUint32(want, 7)
	want = le.AppendUint64(want, 1)
	want = append(want, "s"...)
	want = le.AppendUint32(want, 9) // array
	want = le.AppendUint32(want, 8) // of strings
	want = le.AppendUint64(want, 1)
	want = le.AppendUint64(want, 1)
	want = append(want, "x"...)
	want = le.AppendUint64(want, 1)
	want = append(want, "w"...)
	want = le.AppendUint32(want, 2) // n_dims
	want = le.AppendUint64(want, 2) // ne[0]: the fastest dimension
	want = le.AppendUint64(want, 1) // ne[1]
	want = le.AppendUint32(want, 0) // F32
	want = le.AppendUint64(want, 0) // offset
	for len(want)%32 != 0 {
		want = append(want, 0)
	}
	want = append(want, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0)
	for len(want)%32 != 0 {
		want = append(want, 0)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("Encode =\n% x\nwant\n% x", got.Bytes(), want)
	}
}

func TestRoundTrip(t *testing.T) {
	meta := []KV{
		{"u8", uint8(1)}, {"i8", int8(-2)}, {"u16", uint16(3)}, {"i16", int16(-4)},
		{"u32", uint32(5)}, {"i32", int32(-6)}, {"u64", uint64(7)}, {"i64", int64(-8)},
		{"f32", float32(0.5)}, {"f64", 0.25}, {"b", true}, {"s", "héllo"},
		{"as", []string{"a", "", "ĠĊ"}}, {"ai32", []int32{1, -1}}, {"af32", []float32{1.5}},
		{"ab", []bool{true, false}}, {"au8", []uint8{}}, {"ai64", []int64{-1}}, {"af64", []float64{2}},
		{"au16", []uint16{9}}, {"ai16", []int16{-9}}, {"au32", []uint32{10}}, {"au64", []uint64{11}}, {"ai8", []int8{-3}},
		{KeyAlignment, uint32(64)},
	}
	rng := rand.New(rand.NewPCG(1, 1))
	vals := make([]float32, 3*64)
	for i := range vals {
		vals[i] = float32(rng.NormFloat64())
	}
	q, err := Q8_0("q", []int{3, 64}, vals)
	if err != nil {
		t.Fatal(err)
	}
	tensors := []Tensor{F32("a", []int{5}, vals[:5]), F16("h", []int{2, 3}, vals[:6]), q, F32("d4", []int{1, 1, 2, 1}, vals[:2])}
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := WriteFile(path, meta, tensors); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != 3 || f.Alignment != 64 {
		t.Errorf("version %d alignment %d; want 3, 64", f.Version, f.Alignment)
	}
	if !reflect.DeepEqual(f.KV, meta) {
		t.Errorf("KV = %#v\nwant %#v", f.KV, meta)
	}
	for _, want := range tensors {
		got, ok := f.Tensor(want.Name)
		if !ok || got.Type != want.Type || !slices.Equal(got.Shape, want.Shape) || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("tensor %q = %+v; want %+v", want.Name, got, want)
		}
	}
	a, shape, err := f.Float32("a")
	if err != nil || !slices.Equal(a, vals[:5]) || !slices.Equal(shape, []int{5}) {
		t.Errorf("Float32(a) = %v, %v, %v", a, shape, err)
	}
	deq, _, err := f.Float32("q")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		// Error at most half a step of d = max|x|/127 (plus float16 rounding of d).
		if d := math.Abs(float64(deq[i] - v)); d > 4.0/127/2*1.01 {
			t.Fatalf("Q8_0 value %d = %v; want %v within half a step", i, deq[i], v)
		}
	}
	b, _ := os.ReadFile(path)
	if len(b)%64 != 0 {
		t.Errorf("file size %d not a multiple of the alignment", len(b))
	}
}

func TestQ8_0Block(t *testing.T) {
	x := make([]float32, 32)
	for i := range x {
		x[i] = float32(i-16) / 16 // -1 .. 0.9375
	}
	q, err := Q8_0("q", []int{32}, x)
	if err != nil {
		t.Fatal(err)
	}
	d := binary.LittleEndian.Uint16(q.Data)
	if want := uint16(0x2008); d != want { // float16(1/127) = 0x2008
		t.Errorf("scale bits %#04x; want %#04x", d, want)
	}
	// round(x*127): -127 at x=-1, 0 at 0, round(0.5*127)=round(63.5)=64 (away from zero).
	if got := []int8{int8(q.Data[2]), int8(q.Data[2+16]), int8(q.Data[2+24])}; !slices.Equal(got, []int8{-127, 0, 64}) {
		t.Errorf("quants %v; want [-127 0 64]", got)
	}
	zero, _ := Q8_0("z", []int{32}, make([]float32, 32))
	if !bytes.Equal(zero.Data, make([]byte, 34)) {
		t.Errorf("zero block = % x; want all zero", zero.Data)
	}
	if _, err := Q8_0("bad", []int{2, 31}, make([]float32, 62)); err == nil {
		t.Error("Q8_0 of rows of 31 succeeded")
	}
	if _, err := Q8_0("bad", []int{32}, make([]float32, 31)); err == nil {
		t.Error("Q8_0 with short data succeeded")
	}
}

func TestEncodeErrors(t *testing.T) {
	ok := F32("a", []int{1}, []float32{1})
	tests := []struct {
		name    string
		meta    []KV
		tensors []Tensor
		want    string
	}{
		{"dup key", []KV{{"k", uint8(1)}, {"k", uint8(2)}}, nil, "twice"},
		{"empty key", []KV{{"", uint8(1)}}, nil, "empty"},
		{"bad type", []KV{{"k", 3}}, nil, "Go type int"},
		{"bad alignment", []KV{{KeyAlignment, uint32(3)}}, nil, "power of two"},
		{"alignment type", []KV{{KeyAlignment, uint64(32)}}, nil, "power of two"},
		{"dup tensor", nil, []Tensor{ok, ok}, "twice"},
		{"long name", nil, []Tensor{F32(strings.Repeat("x", 64), []int{1}, []float32{1})}, "bytes"},
		{"no dims", nil, []Tensor{F32("s", nil, []float32{1})}, "dimensions"},
		{"five dims", nil, []Tensor{F32("s", []int{1, 1, 1, 1, 1}, []float32{1})}, "dimensions"},
		{"size", nil, []Tensor{F32("s", []int{2}, []float32{1})}, "needs"},
		{"type", nil, []Tensor{{Name: "s", Type: 99, Shape: []int{1}, Data: []byte{0}}}, "unsupported"},
	}
	for _, tt := range tests {
		err := Encode(io_discard{}, tt.meta, tt.tensors)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Encode error = %v; want one mentioning %q", tt.name, err, tt.want)
		}
	}
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "x.gguf"), []KV{{"k", 1}}, nil); err == nil {
		t.Error("WriteFile with a bad value succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed write left %d files", len(entries))
	}
}

type io_discard struct{}

func (io_discard) Write(p []byte) (int, error) { return len(p), nil }

func TestParseErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, []KV{{"k", []string{"a", "b"}}}, []Tensor{F32("t1", []int{2}, []float32{1, 2}), F32("t2", []int{1}, []float32{3})}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	if _, err := Parse(good); err != nil {
		t.Fatalf("Parse(good) = %v", err)
	}
	patch := func(at int, v uint64, n int) []byte {
		b := slices.Clone(good)
		for i := range n {
			b[at+i] = byte(v >> (8 * i))
		}
		return b
	}
	// Offsets into good: 4 magic, 4 version, 8 tensors, 8 kvs, then the key.
	keyEnd := 24 + 8 + 1
	arrayCount := keyEnd + 4 + 4
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "magic"},
		{"magic", patch(0, 'X', 1), "magic"},
		{"version", patch(4, 1, 4), "version 1"},
		{"huge counts", patch(8, 1<<40, 8), "cannot fit"},
		{"huge string", patch(24, 1<<40, 8), "string of"},
		{"value type", patch(keyEnd, 77, 4), "unknown value type"},
		{"huge array", patch(arrayCount, 1<<50, 8), "cannot fit"},
		{"truncated header", good[:100], "end of file"},
		{"truncated data", good[:len(good)-40], "past the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v; want ErrFormat mentioning %q", err, tt.want)
			}
		})
	}
	// A tensor offset that leaves a gap is rejected as llama.cpp does.
	f, _ := Parse(good)
	infoOff := bytes.Index(good, []byte("\x02\x00\x00\x00\x00\x00\x00\x00t2"))
	offAt := infoOff + 10 + 4 + 8 + 4
	if _, err := Parse(patch(offAt, 64, 8)); err == nil || !strings.Contains(err.Error(), "want 32") {
		t.Errorf("gap: Parse error = %v; want offset complaint", err)
	}
	if len(f.Tensors) != 2 {
		t.Fatalf("%d tensors", len(f.Tensors))
	}
	path := filepath.Join(t.TempDir(), "bad.gguf")
	os.WriteFile(path, good[:10], 0o644)
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadFile error = %v; want one naming the file", err)
	}
}

func TestInterleaveHalves(t *testing.T) {
	// 2 heads of width 4, 1 column: rows (i, i+2) pair up in each head.
	w := []float32{0, 1, 2, 3, 10, 11, 12, 13}
	got, err := InterleaveHalves(w, 8, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{0, 2, 1, 3, 10, 12, 11, 13}; !slices.Equal(got, want) {
		t.Errorf("InterleaveHalves = %v; want %v", got, want)
	}
	if _, err := InterleaveHalves(w, 8, 1, 3); err == nil {
		t.Error("InterleaveHalves into 3 heads succeeded")
	}
	if _, err := InterleaveHalves(w[:6], 6, 1, 2); err == nil {
		t.Error("InterleaveHalves with odd head width succeeded")
	}
}

func TestTensorName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tok_embeddings.weight", "token_embd.weight"},
		{"norm.weight", "output_norm.weight"},
		{"output.weight", "output.weight"},
		{"layers.0.attention_norm.weight", "blk.0.attn_norm.weight"},
		{"layers.12.attention.wq.weight", "blk.12.attn_q.weight"},
		{"layers.1.attention.wk.weight", "blk.1.attn_k.weight"},
		{"layers.1.attention.wv.weight", "blk.1.attn_v.weight"},
		{"layers.1.attention.wo.weight", "blk.1.attn_output.weight"},
		{"layers.1.ffn_norm.weight", "blk.1.ffn_norm.weight"},
		{"layers.1.feed_forward.w1.weight", "blk.1.ffn_gate.weight"},
		{"layers.1.feed_forward.w3.weight", "blk.1.ffn_up.weight"},
		{"layers.1.feed_forward.w2.weight", "blk.1.ffn_down.weight"},
		{"layers.N.ffn_norm.weight", ""},
		{"layers.-1.ffn_norm.weight", ""},
		{"layers..ffn_norm.weight", ""},
		{"layers.1.bogus", ""},
		{"bogus", ""},
	}
	for _, tt := range tests {
		got, ok := TensorName(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("TensorName(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	q, _ := Q8_0("q", []int{32}, make([]float32, 32))
	Encode(&buf, []KV{{"k", []string{"a"}}, {"n", uint32(1)}}, []Tensor{F32("a", []int{2}, []float32{1, 2}), q})
	f.Add(buf.Bytes())
	f.Add([]byte("GGUF\x03\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parsed, err := Parse(b)
		if err != nil {
			return
		}
		var again bytes.Buffer
		if err := Encode(&again, parsed.KV, parsed.Tensors); err != nil {
			t.Fatalf("re-encoding a parsed file: %v", err)
		}
		back, err := Parse(again.Bytes())
		if err != nil {
			t.Fatalf("parsing a re-encoded file: %v", err)
		}
		if !reflect.DeepEqual(back.KV, parsed.KV) && !hasNaN(parsed.KV) {
			t.Fatalf("metadata changed in a round trip")
		}
		if len(back.Tensors) != len(parsed.Tensors) {
			t.Fatalf("tensors changed in a round trip")
		}
	})
}

func hasNaN(kvs []KV) bool {
	for _, kv := range kvs {
		switch v := kv.Value.(type) {
		case float32:
			if v != v {
				return true
			}
		case float64:
			if v != v {
				return true
			}
		case []float32, []float64:
			return true
		}
	}
	return false
}
