// Package runlock locks a folder for one process at a time: a run folder
// while cem runs or resumes it, the demo's workspace while the demo writes
// into it.
//
// The lock is an OS file lock (flock(2)) on FileName inside the folder. The
// kernel releases it when the holder exits, however it exits (a crash or
// SIGKILL included), so a stale lock never needs removing by hand. The
// holder writes its process id into the file so that a refused caller can
// name it.
package runlock

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cemlab/cem/internal/atomicfile"
)

// FileName is the lock file inside a locked folder.
const FileName = ".cem.lock"

// HeldError is returned by Acquire when another process holds the lock.
type HeldError struct {
	Dir string
	// PID is the holder's process id; 0 when it could not be read (the
	// holder had not yet written it).
	PID int
}

func (e *HeldError) Error() string {
	who := "another cem process"
	if e.PID > 0 {
		who = fmt.Sprintf("another cem process (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s is in use by %s; wait for it to finish, or stop it", e.Dir, who)
}

// Lock is a held folder lock.
type Lock struct {
	dir string
	f   *os.File
}

// Acquire locks dir, creating it when missing, and returns at once: with
// the lock, or with a *HeldError naming the holder's pid when another
// process (or another Acquire in this one) holds it.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if held {
		f.Close()
		return nil, &HeldError{Dir: dir, PID: readPID(path)}
	}
	if err := writePID(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{dir: dir, f: f}, nil
}

// Dir is the locked folder.
func (l *Lock) Dir() string { return l.dir }

// Release unlocks the folder. The lock file stays (removing it would let
// a process that opened it before the removal lock a file nobody else
// sees). Release on a nil Lock does nothing.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close()
	l.f = nil
	return err
}

// RemoveTemps removes the temporary files of interrupted atomic writes
// (see atomicfile.IsTemp) in the locked folder and its subfolders, except
// in subfolders that hold their own lock file (another lock's domain, such
// as a run folder inside the demo's workspace). It returns the paths
// removed.
func (l *Lock) RemoveTemps() ([]string, error) {
	var removed []string
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != l.dir {
			if _, err := os.Lstat(filepath.Join(p, FileName)); err == nil {
				return filepath.SkipDir
			}
		}
		r, err := atomicfile.RemoveTemps(p)
		removed = append(removed, r...)
		return err
	})
	if err != nil {
		return removed, fmt.Errorf("remove temporary files under %s: %w", l.dir, err)
	}
	return removed, nil
}

// readPID reads the pid a holder wrote into path; 0 when unreadable.
func readPID(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	return pid
}

// writePID replaces the lock file's contents with this process's id.
func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}
