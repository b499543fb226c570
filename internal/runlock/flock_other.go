//go:build !unix

package runlock

import "os"

// tryLock fails: this system has no flock.
func tryLock(f *os.File) (bool, error) { return false, errUnsupported }
