//go:build !unix

package runlock

import "os"

// tryLock does not lock: this system has no flock(2), so folders are not
// protected against a second process there (cem's supported systems are
// Unix).
func tryLock(f *os.File) (bool, error) { return false, nil }
