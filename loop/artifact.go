package loop

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/cemlab/cem/internal/digest"
	"github.com/cemlab/cem/rundir"
)

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

// fresh returns the manifest at path when its input hash is inHash, its
// artifact still hashes to the recorded output hash and every recorded
// output (resolved against the run folder dir) still has its tree hash;
// ok is false otherwise (missing, stale or damaged files mean "redo").
func fresh(dir, manifestPath, artifactPath, inHash string) (rundir.Manifest, bool) {
	var m rundir.Manifest
	if err := rundir.ReadJSON(manifestPath, &m); err != nil {
		return m, false
	}
	if m.InputHash != inHash {
		return m, false
	}
	h, err := hashFile(artifactPath)
	if err != nil || h != m.OutputHash {
		return m, false
	}
	if err := checkOutputs(dir, m.Outputs); err != nil {
		return m, false
	}
	return m, true
}

// outputHashes returns the tree hash of each path (as the stage named
// it: absolute, or relative to the working folder), keyed by the path
// relative to the run folder dir when inside it, else absolute.
func outputHashes(dir string, paths []string) (map[string]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(paths))
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		key := abs
		if rel, err := filepath.Rel(absDir, abs); err == nil && filepath.IsLocal(rel) {
			key = filepath.ToSlash(rel)
		}
		h, err := hashTree(abs)
		if err != nil {
			return nil, fmt.Errorf("hash output %s: %w", p, err)
		}
		out[key] = h
	}
	return out, nil
}

// checkOutputs returns an error naming the first recorded output that is
// missing or whose tree hash changed.
func checkOutputs(dir string, outputs map[string]string) error {
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h, err := hashTree(outputPath(dir, k))
		if err != nil {
			return err
		}
		if h != outputs[k] {
			return fmt.Errorf("%s changed since its stage wrote it", outputPath(dir, k))
		}
	}
	return nil
}

// outputPath resolves a recorded output path against the run folder.
func outputPath(dir, key string) string {
	p := filepath.FromSlash(key)
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return p
}

// insideDir reports whether the recorded output key lies inside the run
// folder (a relative path that does not climb out of it).
func insideDir(key string) bool {
	p := filepath.FromSlash(key)
	return !filepath.IsAbs(p) && filepath.IsLocal(p)
}

// errMissing reports whether err means a file does not exist.
func errMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }
