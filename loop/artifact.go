package loop

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cemlab/cem/internal/digest"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/cemlab/cem/internal/atomicfile"
)

// Manifest is written beside each stage artifact, after it.
type Manifest struct {
	Stage string `json:"stage"`
	Round int    `json:"round"`
	// InputHash covers the stage's inputs and settings; a stage whose
	// InputHash is unchanged is not redone.
	InputHash string `json:"input_hash"`
	// OutputHash is the SHA-256 of the artifact file.
	OutputHash string  `json:"output_hash"`
	Records    int     `json:"records"`
	Seconds    float64 `json:"seconds"`
	// Extra holds stage-specific data (the trainset's mix manifest).
	Extra json.RawMessage `json:"extra,omitempty"`
	// Usage is what the stage cost on metered backends, by meter label
	// (see Meter); it counts again when a resumed run reuses the stage.
	Usage map[string]Usage `json:"usage,omitempty"`
}

// writeAtomic writes data to path through a temporary file and a rename,
// so that readers see the old file or the whole new one. It creates the
// folder when missing.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeJSON writes v as indented JSON, atomically.
func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return writeAtomic(path, append(data, '\n'))
}

// readJSON decodes the JSON file at path into v.
func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// encodeJSONL returns records as JSON Lines.
func encodeJSONL[T any](records []T) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range records {
		if err := enc.Encode(&records[i]); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
	}
	return buf.Bytes(), nil
}

// ReadJSONL reads the JSON Lines file at path; errors name the file and line.
func ReadJSONL[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeJSONL[T](f, path)
}

func decodeJSONL[T any](r io.Reader, name string) ([]T, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 64<<20)
	var out []T
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// hashBytes returns the hex SHA-256 of data.
func hashBytes(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// hashOf hashes the JSON encoding of the values, in order.
func hashOf(vs ...any) string { return digest.JSON(vs...) }

// hashFile returns the hex SHA-256 of the file at path.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashTree hashes every regular file under root (names and contents, in
// sorted order); a plain file is hashed alone. A missing root is an error.
func hashTree(root string) (string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	h := sha256.New()
	for _, p := range files {
		fh, err := hashFile(p)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(h, "%s %s\n", filepath.ToSlash(rel), fh)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fresh returns the manifest at path when its input hash is inHash and
// its artifact still hashes to the recorded output hash; ok is false
// otherwise (missing, stale or damaged files mean "redo").
func fresh(manifestPath, artifactPath, inHash string) (Manifest, bool) {
	var m Manifest
	if err := readJSON(manifestPath, &m); err != nil {
		return m, false
	}
	if m.InputHash != inHash {
		return m, false
	}
	h, err := hashFile(artifactPath)
	if err != nil || h != m.OutputHash {
		return m, false
	}
	return m, true
}

// errMissing reports whether err means a file does not exist.
func errMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }
