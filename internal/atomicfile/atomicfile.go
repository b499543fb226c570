package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
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

// createTemp creates a new file "."+base+".tmp"+random beside path with
// mode perm (before the umask). Unlike os.CreateTemp, whose files are
// always 0600, it honours perm.
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Split(path)
	prefix := filepath.Join(dir, "."+base+".tmp")
	for try := 0; ; try++ {
		name := prefix + strconv.FormatUint(uint64(rand.Uint32()), 10)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && try < 10000 {
			continue
		}
		return f, err
	}
}
