package atomicfile

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// bufSize is the size of the buffered writer WriteFile hands to write.
const bufSize = 1 << 20

// WriteFile replaces path with what write writes, atomically.
//
// It creates a temporary file in path's folder with permission bits perm
// (before the umask, as os.WriteFile), calls write with a buffered writer
// on it, flushes the buffer, syncs and closes the file and renames it over
// path. If path exists its contents and mode are replaced; the new file
// has perm.
//
// On any error (from write, or from creating, writing, syncing, closing or
// renaming) the temporary file is removed, path is left as it was, and
// the error is returned: an error from write unchanged, the others as
// returned by package os (they name the file at fault). Callers add their
// own context, such as the destination path. The folder must exist.
func WriteFile(path string, write func(w io.Writer) error, perm fs.FileMode) error {
	f, err := createTemp(path, perm)
	if err != nil {
		return err
	}
	tmp := f.Name()
	bw := bufio.NewWriterSize(f, bufSize)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	return finish(f, tmp, path, err)
}

// WriteBytes replaces path with data, atomically, as WriteFile does.
func WriteBytes(path string, data []byte, perm fs.FileMode) error {
	f, err := createTemp(path, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return finish(f, f.Name(), path, err)
}

// WriteJSON replaces path with v as indented JSON (two spaces) and a
// final newline, atomically, as WriteFile does; it returns json's error
// when v does not encode.
func WriteJSON(path string, v any, perm fs.FileMode) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteBytes(path, append(b, '\n'), perm)
}

// finish syncs, closes and renames the temporary file tmp (open as f) over
// path when err is nil; on any error it removes tmp and returns the first
// error.
func finish(f *os.File, tmp, path string, err error) error {
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// tempMark separates a temporary file's target name from its random
// digits: "." + base + tempMark + digits (see IsTemp).
const tempMark = ".cemtmp-"

// createTemp creates a new file "."+base+tempMark+digits beside path with
// mode perm (before the umask). Unlike os.CreateTemp, whose files are
// always 0600, it honours perm.
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Split(path)
	prefix := filepath.Join(dir, "."+base+tempMark)
	for try := 0; ; try++ {
		name := prefix + strconv.FormatUint(uint64(rand.Uint32()), 10)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && try < 10000 {
			continue
		}
		return f, err
	}
}

// IsTemp reports whether name (a base name) is a temporary file of this
// package: "." + a non-empty target name + ".cemtmp-" + decimal digits.
// Such a file is left behind only when a write was killed before its
// rename.
func IsTemp(name string) bool {
	i := strings.LastIndex(name, tempMark)
	if i < 2 || name[0] != '.' {
		return false
	}
	digits := name[i+len(tempMark):]
	if digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RemoveTemps removes the temporary files (see IsTemp) directly in dir,
// not in its subfolders, and returns the paths removed. A missing dir is
// not an error. Call it only while no other process can be writing into
// dir (for example under a lock on it): a temporary file of a write in
// progress is indistinguishable from a leftover.
func RemoveTemps(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsTemp(e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, p)
	}
	return removed, nil
}
