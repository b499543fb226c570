// Package jobstate is the record a trainer keeps of a job that runs
// outside cem (a Slurm batch job, a hosted fine-tuning job), in the train
// stage's folder, so that a later cem re-attaches to the job instead of
// starting a second one. Records are JSON files replaced atomically; a
// job that ended without success has its record moved aside, so that the
// next attempt starts afresh while the record stays for the user.
package jobstate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/cemlab/cem/internal/atomicfile"
)

// Read decodes the record at path into a new T. It returns nil, nil when
// there is no record, and an error naming the file when it is not JSON
// or valid rejects it.
func Read[T any](path string, valid func(*T) bool) (*T, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil || (valid != nil && !valid(v)) {
		return nil, fmt.Errorf("%s: not a job record (%v); remove it to start again", path, err)
	}
	return v, nil
}

// Write replaces the record at path with v (write to a temporary file,
// then rename), so a reader sees the old record or the new one, never
// half of one.
func Write(path string, v any) error {
	return atomicfile.WriteJSON(path, v, 0o644)
}

// Retire moves the record at path aside, to path.<id>.failed, so that the
// next attempt starts a new job. It returns the new path.
func Retire(path, id string) (string, error) {
	to := path + "." + unsafeName.ReplaceAllString(id, "_") + ".failed"
	if err := os.Rename(path, to); err != nil {
		return "", err
	}
	return to, nil
}

var (
	unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
	roundDir   = regexp.MustCompile(`^round-(\d+)$`)
)

// Name derives a job's name from the training set's folder:
// cem-<run>-r<round>-<hash of the folder>, where the run is the folder
// holding round-<r> (the loop's layout <run>/round-<r>/train), cut to 40
// characters of [A-Za-z0-9._-], and the hash tells apart runs whose
// folders share a name. It is at most 58 characters long.
func Name(setDir string) string {
	abs, err := filepath.Abs(setDir)
	if err != nil {
		abs = setDir
	}
	r := Round(abs)
	run := filepath.Base(filepath.Dir(abs))
	if filepath.Base(abs) == "train" {
		run = filepath.Base(filepath.Dir(filepath.Dir(abs)))
	}
	run = strings.Trim(unsafeName.ReplaceAllString(run, "_"), "_")
	if len(run) > 40 {
		run = run[:40]
	}
	sum := sha256.Sum256([]byte(abs))
	return fmt.Sprintf("cem-%s-r%d-%s", run, r, hex.EncodeToString(sum[:])[:6])
}

// Round returns r for a folder named round-<r>, or inside one (its
// "train" folder, as the loop lays them out), else 0.
func Round(dir string) int {
	for _, d := range []string{filepath.Base(dir), filepath.Base(filepath.Dir(dir))} {
		if m := roundDir.FindStringSubmatch(d); m != nil {
			r, _ := strconv.Atoi(m[1])
			return r
		}
	}
	return 0
}
