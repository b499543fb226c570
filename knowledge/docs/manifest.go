package docs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/cemlab/cem/internal/atomicfile"
	"github.com/cemlab/cem/knowledge"
)

// manifestVersion is the version of the manifest's format.
const manifestVersion = 1

// Manifest is the sidecar of an index holding documents: per folder
// (by source name), each file's hash and passage count, so that the next
// build reads only what changed. It is written after the index, so a
// build killed between the two leaves a manifest older than the index,
// which only costs re-reading the files changed since.
type Manifest struct {
	Version int              `json:"version"`
	Folders []FolderManifest `json:"folders"`
}

// FolderManifest is one folder's part of a Manifest.
type FolderManifest struct {
	Source   string               `json:"source"`
	Dir      string               `json:"dir"`
	Settings string               `json:"settings"` // what else decides the passages; a change re-reads all
	Files    map[string]FileState `json:"files"`    // by path relative to Dir
}

// FileState is what a build kept of one file (License: the licence its
// passages were given).
type FileState struct {
	SHA256   string     `json:"sha256,omitempty"` // "" when the file was not read (too large, unknown extension)
	Size     int64      `json:"size"`
	Passages int        `json:"passages"`
	License  string     `json:"license,omitempty"`
	Skip     *SkipState `json:"skip,omitempty"`
}

// SkipState is a skipped file's reason in the manifest.
type SkipState struct {
	Reason Reason `json:"reason"`
	Detail string `json:"detail"`
}

func (f *FolderManifest) lookup(rel string) (FileState, bool) {
	if f == nil {
		return FileState{}, false
	}
	st, ok := f.Files[rel]
	return st, ok && st.SHA256 != ""
}

// ManifestPath is the manifest's file next to index.
func ManifestPath(index string) string { return index + ".docs.json" }

// ReportPath is the build report's file next to index.
func ReportPath(index string) string { return index + ".docs-report.json" }

// Prior is what the last build of an index left for the next one.
type Prior struct {
	manifest *Manifest
	ix       *knowledge.Index
	why      string
}

// OpenPrior opens the index file and its manifest for reuse. A missing,
// unreadable or mismatched one gives a Prior that reuses nothing and says
// why; it is never an error.
func OpenPrior(index string) *Prior {
	b, err := os.ReadFile(ManifestPath(index))
	if errors.Is(err, fs.ErrNotExist) {
		return &Prior{why: "no previous build"}
	}
	if err != nil {
		return &Prior{why: fmt.Sprintf("manifest unreadable: %v", err)}
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Version != manifestVersion {
		return &Prior{why: fmt.Sprintf("manifest %s unusable (version %d, %v)", ManifestPath(index), m.Version, err)}
	}
	ix, err := knowledge.Open(index, knowledge.Options{})
	if err != nil {
		return &Prior{why: fmt.Sprintf("previous index unreadable: %v", err)}
	}
	return &Prior{manifest: &m, ix: ix}
}

// For returns the previous build of the folder named source.
func (p *Prior) For(source string) Previous {
	if p == nil || p.manifest == nil {
		why := "no previous build"
		if p != nil {
			why = p.why
		}
		return Previous{Why: why}
	}
	for i := range p.manifest.Folders {
		if f := &p.manifest.Folders[i]; f.Source == source {
			return Previous{Folder: f, Index: p.ix}
		}
	}
	return Previous{Why: fmt.Sprintf("folder %q not in the previous build", source)}
}

// WriteSidecars writes the manifest of results and their reports next to
// index (atomically, each through a temporary file and a rename). Call it
// after the index is saved.
func WriteSidecars(index string, results []*Result) error {
	m := Manifest{Version: manifestVersion}
	reports := make([]Report, 0, len(results))
	for _, r := range results {
		m.Folders = append(m.Folders, r.Folder)
		reports = append(reports, r.Report)
	}
	for _, f := range []struct {
		path string
		v    any
	}{{ManifestPath(index), m}, {ReportPath(index), reports}} {
		b, err := json.MarshalIndent(f.v, "", "  ")
		if err != nil {
			return err
		}
		if err := atomicfile.WriteBytes(f.path, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("documents: %w", err)
		}
	}
	return nil
}

// BuildIndex brings the index file of one folder up to date: it reads
// what changed since the last build (see Read), and when anything did (or
// the index is missing) builds the BM25 index of the folder's passages
// with opts, saves it and writes the sidecars; the report is written in
// every case. Unchanged, it reads no file and leaves the index as is.
func BuildIndex(ctx context.Context, cfg Config, index string, opts knowledge.Options) (*Report, error) {
	cfg.applyDefaults()
	prior := OpenPrior(index)
	prev := prior.For(cfg.Source)
	res, err := Read(ctx, cfg, prev)
	if err != nil {
		return nil, err
	}
	stale := res.Report.Read > 0 || len(res.Report.Removed) > 0 || res.Report.FullRead != "" ||
		!sameFiles(prev.Folder, &res.Folder) || prior.ix == nil || prior.ix.Stemmed() != opts.Stem
	if stale {
		if opts.Name == "" {
			opts.Name = cfg.Source
		}
		ix, err := knowledge.Build(ctx, res.Passages, opts)
		if err != nil {
			return nil, fmt.Errorf("documents: %w", err)
		}
		if err := ix.Save(index); err != nil {
			return nil, fmt.Errorf("documents: %w", err)
		}
	}
	if err := WriteSidecars(index, []*Result{res}); err != nil {
		return nil, err
	}
	return &res.Report, nil
}

// sameFiles reports whether two manifests list the same files in the
// same states.
func sameFiles(a, b *FolderManifest) bool {
	if a == nil || b == nil || len(a.Files) != len(b.Files) {
		return false
	}
	for rel, sa := range a.Files {
		sb, ok := b.Files[rel]
		if !ok || sa.SHA256 != sb.SHA256 || sa.Passages != sb.Passages || sa.License != sb.License || (sa.Skip == nil) != (sb.Skip == nil) {
			return false
		}
	}
	return true
}
