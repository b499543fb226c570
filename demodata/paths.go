package demodata

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Environment variables naming data locations.
const (
	// EnvData overrides the data root returned by Root.
	EnvData = "CEM_DATA"
	// EnvFactbook overrides the Factbook folder returned by FactbookDir.
	EnvFactbook = "CEM_FACTBOOK"
)

// ErrNoData reports that a data folder does not exist; errors wrapping it
// say which folder and what to run.
var ErrNoData = errors.New("demo data not found")

// Root returns the data root: $CEM_DATA when set, otherwise
// <os.UserCacheDir()>/cem/data/root. It does not check that the folder
// exists (see Paths.Check). It fails only when no cache folder is known.
func Root() (string, error) {
	if d := os.Getenv(EnvData); d != "" {
		return d, nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("data root: %w (set %s)", err, EnvData)
	}
	return filepath.Join(c, "cem", "data", "root"), nil
}

// Paths gives the standard file locations under a data root. The zero
// value is unusable; build one with NewPaths or DefaultPaths.
type Paths struct {
	Root string
}

// NewPaths returns the Paths of the data root root.
func NewPaths(root string) Paths { return Paths{Root: root} }

// DefaultPaths returns the Paths of Root().
func DefaultPaths() (Paths, error) {
	r, err := Root()
	if err != nil {
		return Paths{}, err
	}
	return Paths{Root: r}, nil
}

// WordNetDir is the folder holding WordNet 3.0's data.* and index.* files.
func (p Paths) WordNetDir() string { return filepath.Join(p.Root, "usr", "share", "wordnet") }

// DictDir is the folder holding the dictd dictionaries.
func (p Paths) DictDir() string { return filepath.Join(p.Root, "usr", "share", "dictd") }

// Dict returns the .index and .dict.dz files of the dictd dictionary name
// ("gcide", "foldoc", "elements").
func (p Paths) Dict(name string) (index, data string) {
	d := p.DictDir()
	return filepath.Join(d, name+".index"), filepath.Join(d, name+".dict.dz")
}

// QuizDir is the folder holding the bsdgames quiz files (index, africa,
// europe, ...).
func (p Paths) QuizDir() string {
	return filepath.Join(p.Root, "usr", "share", "games", "bsdgames", "quiz")
}

// Copyright returns the Debian copyright file of package pkg.
func (p Paths) Copyright(pkg string) string {
	return filepath.Join(p.Root, "usr", "share", "doc", pkg, "copyright")
}

// Manifest is the manifest file Fetch writes.
func (p Paths) Manifest() string { return filepath.Join(p.Root, ManifestName) }

// IndexDir is the default folder for search indexes built from the data:
// a sibling of the root, <root>/../index.
func (p Paths) IndexDir() string { return filepath.Join(filepath.Dir(p.Root), "index") }

// Check reports whether every file the demo packages provide is present
// under the root. The error wraps ErrNoData, names the first missing file
// and says to run "cem data fetch".
func (p Paths) Check() error {
	for _, pkg := range Packages() {
		for _, rel := range pkg.Files {
			if _, err := os.Stat(filepath.Join(p.Root, rel)); err != nil {
				return fmt.Errorf("%w: %s (from package %s) is missing under %s; run `cem data fetch`",
					ErrNoData, rel, pkg.Name, p.Root)
			}
		}
	}
	return nil
}

// FactbookDir returns the CIA World Factbook folder (one sub-folder per
// region, one JSON file per country): $CEM_FACTBOOK when set, otherwise
// the copy `cem data fetch` put in the data root (<root>/factbook, with
// its marker), otherwise ../shared/data/factbook relative to the
// repository root found by walking up from the working directory to the
// first go.mod. The error wraps ErrNoData when none exists and says what
// to run.
func FactbookDir() (string, error) {
	if fetched, ok := fetchedFactbook(); ok {
		return fetched, nil
	}
	dir, _, err := localFactbook()
	if err != nil {
		return "", fmt.Errorf("%w; run `cem data fetch`", err)
	}
	return dir, nil
}

// fetchedFactbook is the data root's fetched copy, when $CEM_FACTBOOK
// does not override it and the copy is there.
func fetchedFactbook() (string, bool) {
	if os.Getenv(EnvFactbook) != "" {
		return "", false
	}
	root, err := Root()
	if err != nil {
		return "", false
	}
	fetched := NewPaths(root).FactbookDirOf()
	if _, err := os.Stat(filepath.Join(fetched, FactbookMarker)); err != nil {
		return "", false
	}
	return fetched, true
}

// FindFactbook says where FactbookDir finds the Factbook, without
// downloading: the fetched copy with its marker, $CEM_FACTBOOK's or the
// shared copy with its content digest, or FactbookAbsent. It fails only
// when a folder found cannot be read.
func FindFactbook() (FactbookResult, error) {
	if dir, ok := fetchedFactbook(); ok {
		st, err := readStamp(dir)
		if err != nil {
			return FactbookResult{}, err
		}
		return fetchedResult(dir, st), nil
	}
	return localResult()
}

// localResult is the FactbookResult of localFactbook: found, with its
// content digest, or absent.
func localResult() (FactbookResult, error) {
	dir, from, err := localFactbook()
	if err != nil {
		return FactbookResult{From: FactbookAbsent}, nil
	}
	res := FactbookResult{From: from, Dir: dir}
	if res.Digest, _, err = ContentDigest(dir); err != nil {
		return FactbookResult{}, fmt.Errorf("factbook %s: %w", dir, err)
	}
	res.Pinned = res.Digest == FactbookSHA256
	return res, nil
}

// localFactbook is the Factbook found without the data root:
// $CEM_FACTBOOK (FactbookEnv) when set, else ../shared/data/factbook
// (FactbookShared). The error wraps ErrNoData.
func localFactbook() (dir, from string, err error) {
	if d := os.Getenv(EnvFactbook); d != "" {
		if _, err := os.Stat(d); err != nil {
			return "", "", fmt.Errorf("%w: %s=%s: %v", ErrNoData, EnvFactbook, d, err)
		}
		return d, FactbookEnv, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", "", fmt.Errorf("factbook: %w", err)
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			fb := filepath.Join(filepath.Dir(dir), "shared", "data", "factbook")
			if _, err := os.Stat(fb); err != nil {
				return "", "", fmt.Errorf("%w: no Factbook at %s; set %s to its folder", ErrNoData, fb, EnvFactbook)
			}
			return fb, FactbookShared, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", fmt.Errorf("%w: no go.mod above %s to locate ../shared/data/factbook; set %s", ErrNoData, wd, EnvFactbook)
		}
		dir = parent
	}
}
