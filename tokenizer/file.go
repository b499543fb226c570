package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/cemlab/cem/internal/atomicfile"
)

// File format identity. Version changes whenever the layout or the
// meaning of a field changes; Load rejects versions it does not know.
const (
	FileFormat  = "cem-bpe-tokenizer"
	FileVersion = 1
	// PreTokenizer names the pre-tokenizer a file was trained with.
	PreTokenizer = "gpt2"
)

// fileJSON is the saved form. Tokens and merges are in the GPT-2
// byte-to-unicode form, as in Hugging Face tokenizer.json and GGUF.
type fileJSON struct {
	Format       string         `json:"format"`
	Version      int            `json:"version"`
	PreTokenizer string         `json:"pretokenizer"`
	Specials     map[string]int `json:"specials"` // literal name -> id
	Tokens       []string       `json:"tokens"`   // id -> token
	Merges       []string       `json:"merges"`   // rank -> "left right"
}

// Save writes t to path as JSON (format FileFormat, version FileVersion):
// the special tokens, every token string and every merge rule. It writes a
// temporary file in the same folder and renames it, so path is never left
// half-written.
func (t *Tokenizer) Save(path string) error {
	specials := make(map[string]int, len(specialNames))
	for i, name := range specialNames {
		specials[name] = firstSpec + i
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<|end|>" readable
	enc.SetIndent("", " ")
	err := enc.Encode(fileJSON{
		Format:       FileFormat,
		Version:      FileVersion,
		PreTokenizer: PreTokenizer,
		Specials:     specials,
		Tokens:       t.Tokens(),
		Merges:       t.Merges(),
	})
	if err != nil {
		return fmt.Errorf("tokenizer: save %s: %w", path, err)
	}
	if err := atomicfile.WriteBytes(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("tokenizer: save %s: %w", path, err)
	}
	return nil
}

// Load reads a tokenizer written by Save. It checks the format, version
// and pre-tokenizer names, that the first 256 tokens are the bytes in
// order, that the special tokens sit at their ids, and that every merge
// rule joins two earlier tokens into exactly the token at its id; any
// mismatch is an error naming the file and the entry at fault.
func Load(path string) (*Tokenizer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: load: %w", err)
	}
	t, err := parse(b)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: load %s: %w", path, err)
	}
	return t, nil
}

// parse decodes and validates the saved form.
func parse(b []byte) (*Tokenizer, error) {
	var f fileJSON
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	switch {
	case f.Format != FileFormat:
		return nil, fmt.Errorf("format %q, want %q", f.Format, FileFormat)
	case f.Version != FileVersion:
		return nil, fmt.Errorf("version %d, want %d", f.Version, FileVersion)
	case f.PreTokenizer != PreTokenizer:
		return nil, fmt.Errorf("pre-tokenizer %q, want %q", f.PreTokenizer, PreTokenizer)
	case len(f.Tokens) < firstMerge || len(f.Tokens) > maxVocabLen:
		return nil, fmt.Errorf("%d tokens, want between %d and %d", len(f.Tokens), firstMerge, maxVocabLen)
	case len(f.Merges) != len(f.Tokens)-firstMerge:
		return nil, fmt.Errorf("%d merges for %d tokens, want %d", len(f.Merges), len(f.Tokens), len(f.Tokens)-firstMerge)
	case len(f.Specials) != len(specialNames):
		return nil, fmt.Errorf("%d special tokens, want %d", len(f.Specials), len(specialNames))
	}
	for i, name := range specialNames {
		id, ok := f.Specials[name]
		if !ok || id != firstSpec+i {
			return nil, fmt.Errorf("special token %s at id %d, want %d", name, id, firstSpec+i)
		}
		if f.Tokens[id] != name {
			return nil, fmt.Errorf("token %d is %q, want special token %s", id, f.Tokens[id], name)
		}
	}
	for id := range numBytes {
		if want := string(byteRune[id]); f.Tokens[id] != want {
			return nil, fmt.Errorf("token %d is %q, want byte token %q", id, f.Tokens[id], want)
		}
	}
	// Resolve merges against the tokens seen so far.
	ids := make(map[string]int32, len(f.Tokens))
	for id := range numBytes {
		ids[f.Tokens[id]] = int32(id)
	}
	merges := make([][2]int32, len(f.Merges))
	for r, m := range f.Merges {
		id := firstMerge + r
		left, right, ok := strings.Cut(m, " ")
		if !ok || strings.Contains(right, " ") {
			return nil, fmt.Errorf("merge %d %q: want two tokens separated by one space", r, m)
		}
		l, lok := ids[left]
		rt, rok := ids[right]
		if !lok || !rok {
			return nil, fmt.Errorf("merge %d %q: joins a token not defined before id %d", r, m, id)
		}
		if f.Tokens[id] != left+right {
			return nil, fmt.Errorf("merge %d %q makes %q, but token %d is %q", r, m, left+right, id, f.Tokens[id])
		}
		if _, dup := ids[f.Tokens[id]]; dup {
			return nil, fmt.Errorf("token %d %q is defined twice", id, f.Tokens[id])
		}
		ids[f.Tokens[id]] = int32(id)
		merges[r] = [2]int32{l, rt}
	}
	return newTokenizer(merges), nil
}
