package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/internal/atomicfile"
	"github.com/cemlab/cem/internal/jsonl"
)

// WriteFile writes data to path through a temporary file and a rename,
// so that readers see the old file or the whole new one. It creates the
// folder when missing.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteJSON writes v as indented JSON with a final newline, atomically.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return WriteFile(path, append(data, '\n'))
}

// ReadJSON decodes the JSON file at path into v; a decoding error names
// the file, a missing file is an fs.ErrNotExist error.
func ReadJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ReadJSONL reads the JSON Lines artifact at path; errors name the file
// and line (see internal/jsonl).
func ReadJSONL[T any](path string) ([]T, error) { return jsonl.Read[T](path, nil) }

// ReadSummary reads a run folder's metrics.json.
func ReadSummary(dir string) (*Summary, error) {
	var s Summary
	if err := ReadJSON(File(dir, MetricsFile), &s); err != nil {
		return nil, fmt.Errorf("run %s: %w (is it a run folder? `cem run` writes metrics.json)", dir, err)
	}
	return &s, nil
}

// ReadTimings reads a run folder's timings.json; a missing file gives nil.
func ReadTimings(dir string) ([]Timing, error) {
	var t []Timing
	if err := ReadJSON(File(dir, TimingsFile), &t); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	return t, nil
}

// ReadManifest reads the manifest of stage at round r of run dir.
func ReadManifest(dir string, r int, stage string) (Manifest, error) {
	var m Manifest
	err := ReadJSON(ManifestPath(dir, r, stage), &m)
	return m, err
}

// ReadAnswers reads round r's exam artifact: every suite's graded items.
func ReadAnswers(dir string, r int) ([]Answer, error) {
	return ReadJSONL[Answer](Artifact(dir, r, StageExam))
}

// ReadVerdicts reads round r's verdicts on the retrieved passages: the
// review stage's artifact when the run has one (curation's verdicts after
// the reviewers' decisions), else curation's.
func ReadVerdicts(dir string, r int) ([]curate.Verdict, error) {
	vs, err := ReadJSONL[curate.Verdict](Artifact(dir, r, StageReview))
	if errors.Is(err, fs.ErrNotExist) {
		return ReadJSONL[curate.Verdict](Artifact(dir, r, StageCuration))
	}
	return vs, err
}
