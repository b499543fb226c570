package demodata

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/cemlab/cem/internal/atomicfile"
)

// ManifestName is the file name of the manifest inside the data root.
const ManifestName = "manifest.json"

// manifestFormat is the version of the manifest layout.
const manifestFormat = 1

// Manifest records what Fetch put under a data root.
type Manifest struct {
	Format int `json:"format"`
	// Method is "apt-get" (downloaded and unpacked) or "copy" (taken from
	// an existing system install, named by From).
	Method   string            `json:"method"`
	From     string            `json:"from,omitempty"`
	Packages []ManifestPackage `json:"packages"`
}

// ManifestPackage is one package in a Manifest.
type ManifestPackage struct {
	Name    string `json:"name"`
	Version string `json:"version"` // Debian version, "unknown" when no package database says
	// Deb and DebSHA256 name and hash the .deb unpacked (apt-get method).
	Deb       string         `json:"deb,omitempty"`
	DebSHA256 string         `json:"deb_sha256,omitempty"`
	Files     []ManifestFile `json:"files"`
}

// ManifestFile is one file used from a package.
type ManifestFile struct {
	Path   string `json:"path"` // slash-separated, relative to the data root
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ReadManifest reads the manifest at path.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m.Format != manifestFormat {
		return nil, fmt.Errorf("%s: manifest format %d, want %d", path, m.Format, manifestFormat)
	}
	return &m, nil
}

// Verify checks that m covers exactly the packages pkgs with the same
// files, and that every file under root still has the recorded size and
// SHA-256. It returns the first difference found.
func (m *Manifest) Verify(root string, pkgs []Package) error {
	if len(m.Packages) != len(pkgs) {
		return fmt.Errorf("manifest lists %d packages, want %d", len(m.Packages), len(pkgs))
	}
	for i, p := range pkgs {
		mp := m.Packages[i]
		if mp.Name != p.Name {
			return fmt.Errorf("manifest package %d is %s, want %s", i, mp.Name, p.Name)
		}
		var have []string
		for _, f := range mp.Files {
			have = append(have, f.Path)
		}
		if !slices.Equal(have, p.Files) {
			return fmt.Errorf("manifest files of %s differ from the files wanted", p.Name)
		}
		for _, f := range mp.Files {
			sum, size, err := hashFile(filepath.Join(root, filepath.FromSlash(f.Path)))
			if err != nil {
				return err
			}
			if size != f.Size || sum != f.SHA256 {
				return fmt.Errorf("%s changed since it was fetched", f.Path)
			}
		}
	}
	return nil
}

// hashFile returns the hex SHA-256 and size of a file.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// describe hashes the files of pkg under root into a ManifestPackage.
func describe(root string, pkg Package, version string) (ManifestPackage, error) {
	mp := ManifestPackage{Name: pkg.Name, Version: version}
	for _, rel := range pkg.Files {
		sum, size, err := hashFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return mp, fmt.Errorf("package %s: %w", pkg.Name, err)
		}
		mp.Files = append(mp.Files, ManifestFile{Path: rel, Size: size, SHA256: sum})
	}
	return mp, nil
}

// writeManifest writes m to path through a temporary file and a rename.
func writeManifest(path string, m *Manifest) error {
	return atomicfile.WriteJSON(path, m, 0o600)
}
