package trainset

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/cemlab/cem/internal/atomicfile"
	"github.com/cemlab/cem/internal/jsonl"
	"github.com/cemlab/cem/model"
)

// WriteExamples writes examples to path as JSON Lines (one
// model.Example per line), through a temporary file renamed over path,
// so a failed write never leaves a partial file.
func WriteExamples(path string, examples []model.Example) error {
	err := atomicfile.WriteFile(path, func(w io.Writer) error { return jsonl.Encode(w, examples) }, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadExamples reads a JSON Lines file written by WriteExamples. Blank
// lines are skipped; errors are *jsonl.LineError values naming the file
// and line.
func ReadExamples(path string) ([]model.Example, error) {
	return jsonl.Read[model.Example](path, nil)
}

// WriteManifest writes m to path as indented JSON, atomically.
func WriteManifest(path string, m Manifest) error {
	if err := atomicfile.WriteJSON(path, m, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadManifest reads a manifest written by WriteManifest.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
