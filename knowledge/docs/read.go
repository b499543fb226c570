package docs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cemlab/cem/knowledge"
)

// Getter finds a passage of a previous build by ID (*knowledge.Index).
type Getter interface {
	Get(id string) (knowledge.Passage, bool, error)
}

// Previous is what an earlier build of the same folder left: its part of
// the manifest and the index holding its passages. The zero value reuses
// nothing.
type Previous struct {
	Folder *FolderManifest
	Index  Getter
	// Why says why there is nothing to reuse ("" when there is).
	Why string
}

// Result is one read of a folder.
type Result struct {
	Passages []knowledge.Passage
	Folder   FolderManifest
	Report   Report
}

// fileResult is what one file gave.
type fileResult struct {
	state    FileState
	passages []knowledge.Passage
	read     bool // parsed this time
	reused   bool // taken from the previous build
	err      error
}

// Read reads every file under cfg.Dir (in path order; hidden names left
// out) into passages. A file whose SHA-256 and the settings are those of
// prev's manifest is not parsed again: its passages are taken from
// prev.Index (licence set anew from cfg), or its skip repeated. Files
// that cannot be read are listed in the Report with their reason (see
// Reason), never an error; errors are a missing Dir, a cancelled ctx and
// failures of the machine (an unreadable folder, a failing previous
// index).
func Read(ctx context.Context, cfg Config, prev Previous) (*Result, error) {
	start := time.Now()
	cfg.applyDefaults()
	if fi, err := os.Stat(cfg.Dir); err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("documents: %s is not a folder", cfg.Dir)
	}
	files, err := listFiles(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	old := prev.Folder
	why := prev.Why
	switch {
	case old == nil && why == "":
		why = "no previous build"
	case old != nil && old.Settings != cfg.settings():
		why = fmt.Sprintf("settings changed (%s, was %s)", cfg.settings(), old.Settings)
		old = nil
	case old != nil && prev.Index == nil:
		why, old = "previous index missing", nil
	}
	if old != nil {
		why = ""
	}
	r := &reader{cfg: &cfg, pdf: newPDFEngine(&cfg), old: old, ix: prev.Index}
	results := make([]fileResult, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(cfg.Workers, max(1, len(files))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = r.file(ctx, files[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &Result{Folder: FolderManifest{Source: cfg.Source, Dir: cfg.Dir, Settings: cfg.settings(), Files: map[string]FileState{}},
		Report: Report{Source: cfg.Source, Dir: cfg.Dir, Files: len(files), FullRead: why}}
	for i, f := range results {
		if f.err != nil {
			return nil, fmt.Errorf("documents: %s: %w", files[i], f.err)
		}
		res.Folder.Files[files[i]] = f.state
		res.Passages = append(res.Passages, f.passages...)
		if f.state.Skip != nil {
			res.Report.Skipped = append(res.Report.Skipped, Skip{Path: files[i], Reason: f.state.Skip.Reason, Detail: f.state.Skip.Detail})
		}
		if f.read {
			res.Report.Read++
		}
		if f.reused {
			res.Report.Reused++
		}
	}
	if old != nil {
		for rel := range old.Files {
			if _, ok := res.Folder.Files[rel]; !ok {
				res.Report.Removed = append(res.Report.Removed, rel)
			}
		}
		slices.Sort(res.Report.Removed)
	}
	res.Report.Passages = len(res.Passages)
	res.Report.Took = time.Since(start)
	return res, nil
}

// listFiles returns the non-hidden entries under dir that are not
// folders, relative and slash-separated, sorted.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// reader reads the files of one folder.
type reader struct {
	cfg *Config
	pdf pdfEngine
	old *FolderManifest
	ix  Getter
}

// file reads one file, or reuses what the previous build kept of it.
func (r *reader) file(ctx context.Context, rel string) fileResult {
	if ctx.Err() != nil {
		return fileResult{}
	}
	abs := filepath.Join(r.cfg.Dir, filepath.FromSlash(rel))
	skipped := func(err error, st FileState) fileResult {
		var se *skipError
		if !errors.As(err, &se) {
			return fileResult{err: err}
		}
		st.Skip = &SkipState{Reason: se.reason, Detail: se.detail}
		return fileResult{state: st}
	}
	fi, err := os.Lstat(abs)
	switch {
	case err != nil:
		return skipped(skipf(ReasonUnreadable, "%v", err), FileState{})
	case !fi.Mode().IsRegular():
		return skipped(skipf(ReasonUnreadable, "not a regular file (%s)", fi.Mode().Type()), FileState{})
	case format(rel) == "":
		return skipped(skipf(ReasonUnknownExt, "extension %q is none of .html .htm .xhtml .pdf .docx .md .markdown .txt .text", filepath.Ext(rel)), FileState{Size: fi.Size()})
	case fi.Size() > r.cfg.MaxBytes:
		return skipped(skipf(ReasonTooLarge, "%d bytes, over the cap of %d", fi.Size(), r.cfg.MaxBytes), FileState{Size: fi.Size()})
	case fi.Size() == 0:
		return skipped(skipf(ReasonEmpty, "0 bytes"), FileState{})
	}
	b, sum, err := hashFile(abs)
	if err != nil {
		return skipped(skipf(ReasonUnreadable, "%v", err), FileState{})
	}
	license := r.cfg.LicenseOf(rel)
	st := FileState{SHA256: sum, Size: int64(len(b)), License: license}
	if old, ok := r.old.lookup(rel); ok && old.SHA256 == sum {
		if old.Skip != nil {
			old.License = license
			return fileResult{state: old, reused: true}
		}
		if ps, ok, err := r.reuse(rel, old.Passages, license); err != nil {
			return fileResult{err: err}
		} else if ok {
			st.Passages = len(ps)
			return fileResult{state: st, passages: ps, reused: true}
		}
	}
	ps, err := r.parse(ctx, abs, rel, b, license)
	if err != nil {
		if ctx.Err() != nil {
			return fileResult{err: ctx.Err()}
		}
		res := skipped(err, st)
		res.read = true
		return res
	}
	st.Passages = len(ps)
	return fileResult{state: st, passages: ps, read: true}
}

// reuse takes a file's n passages from the previous index; ok is false
// when one is missing there (the file is then read again).
func (r *reader) reuse(rel string, n int, license string) ([]knowledge.Passage, bool, error) {
	ps := make([]knowledge.Passage, 0, n)
	for i := 1; i <= n; i++ {
		p, ok, err := r.ix.Get(r.cfg.Source + ":" + rel + "#" + strconv.Itoa(i))
		if err != nil {
			return nil, false, fmt.Errorf("previous index: %w", err)
		}
		if !ok {
			return nil, false, nil
		}
		p.License = license
		ps = append(ps, p)
	}
	return ps, true, nil
}

// parse reads a file's bytes with the reader of its format.
func (r *reader) parse(ctx context.Context, abs, rel string, b []byte, license string) ([]knowledge.Passage, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, skipf(ReasonEmpty, "only white space (%d bytes)", len(b))
	}
	var doc *document
	var err error
	f := format(rel)
	switch f {
	case "html":
		doc, err = readHTML(b)
	case "pdf":
		doc, err = r.pdf.readPDF(ctx, abs, b)
	case "docx":
		doc, err = readDOCX(b)
	case "markdown":
		doc, err = readText(b, true)
	case "text":
		doc, err = readText(b, false)
	}
	if err != nil {
		return nil, err
	}
	ps := r.cfg.passages(doc, rel, f, license)
	if len(ps) == 0 {
		return nil, skipf(ReasonNoText, "no text found in the %s", strings.ToUpper(f))
	}
	return ps, nil
}
