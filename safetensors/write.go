package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cemlab/cem/internal/atomicfile"
)

// Encode returns the safetensors encoding of tensors and meta (which may
// be nil). Tensors are laid out by element size, largest first, then by
// name, so that every tensor starts at a multiple of its element size; the
// header lists them in that order after "__metadata__" and is padded with
// spaces to a multiple of 8 bytes. It fails on an empty, reserved or
// duplicate name, an unknown dtype, or data whose length does not match
// the shape.
func Encode(tensors []Tensor, meta map[string]string) ([]byte, error) {
	order := make([]*Tensor, len(tensors))
	seen := make(map[string]bool, len(tensors))
	for i := range tensors {
		t := &tensors[i]
		if err := t.check(); err != nil {
			return nil, err
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("tensor %q given twice", t.Name)
		}
		seen[t.Name] = true
		order[i] = t
	}
	slices.SortFunc(order, func(a, b *Tensor) int {
		if c := cmp.Compare(dtypeSize[b.DType], dtypeSize[a.DType]); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})

	var h bytes.Buffer
	h.WriteByte('{')
	if len(meta) > 0 {
		m, err := json.Marshal(meta) // keys sorted
		if err != nil {
			return nil, err
		}
		h.WriteString(`"` + metaKey + `":`)
		h.Write(m)
	}
	var offset int
	for i, t := range order {
		if i > 0 || len(meta) > 0 {
			h.WriteByte(',')
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		name, _ := json.Marshal(t.Name)
		info, _ := json.Marshal(struct {
			DType   string `json:"dtype"`
			Shape   []int  `json:"shape"`
			Offsets [2]int `json:"data_offsets"`
		}{t.DType, shape, [2]int{offset, offset + len(t.Data)}})
		h.Write(name)
		h.WriteByte(':')
		h.Write(info)
		offset += len(t.Data)
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}

	out := make([]byte, 8, 8+h.Len()+offset)
	binary.LittleEndian.PutUint64(out, uint64(h.Len()))
	out = append(out, h.Bytes()...)
	for _, t := range order {
		out = append(out, t.Data...)
	}
	return out, nil
}

// WriteFile writes tensors and meta (see Encode) to path atomically: to a
// temporary file in the same folder, synced, then renamed over path. On
// error path is untouched and the temporary file removed.
func WriteFile(path string, tensors []Tensor, meta map[string]string) error {
	b, err := Encode(tensors, meta)
	if err != nil {
		return fmt.Errorf("safetensors: write %s: %w", path, err)
	}
	if err := atomicfile.WriteBytes(path, b, 0o600); err != nil {
		return fmt.Errorf("safetensors: write %s: %w", path, err)
	}
	return nil
}
