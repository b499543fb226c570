package gguf

import (
	"encoding/binary"
	"testing"
)

func TestDataSizeByteOverflow(t *testing.T) {
	for _, shape := range [][]int{{1 << 31, 1 << 31}, {1<<31 - 1, 1 << 31}} {
		if n, err := DataSize(TypeF32, shape); err == nil {
			t.Errorf("DataSize(F32, %v) = %d, want an error", shape, n)
		}
	}
}

func TestParseHugeTensorNoPanic(t *testing.T) {
	var b []byte
	le := binary.LittleEndian
	b = append(b, Magic...)
	b = le.AppendUint32(b, 3)
	b = le.AppendUint64(b, 1) // tensors
	b = le.AppendUint64(b, 0) // kv
	b = le.AppendUint64(b, 1)
	b = append(b, 'w')
	b = le.AppendUint32(b, 3) // 3×715827883×2147483647 = 2^62-1 values, 2^64-4 bytes
	b = le.AppendUint64(b, 2147483647)
	b = le.AppendUint64(b, 715827883)
	b = le.AppendUint64(b, 3)
	b = le.AppendUint32(b, uint32(TypeF32))
	b = le.AppendUint64(b, 0)
	b = append(b, make([]byte, 64)...)
	if _, err := Parse(b); err == nil {
		t.Fatal("Parse accepted a tensor of 2^64-4 bytes")
	}
}
