//go:build unix

package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestPerm(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	tests := []struct {
		perm, want fs.FileMode
	}{
		{0o644, 0o644},
		{0o600, 0o600},
		{0o666, 0o644},
		{0o755, 0o755},
	}
	for _, tt := range tests {
		for _, replace := range []bool{false, true} {
			path := filepath.Join(t.TempDir(), "f")
			if replace {
				if err := os.WriteFile(path, nil, 0o640); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteBytes(path, []byte("x"), tt.perm); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Mode().Perm(); got != tt.want {
				t.Errorf("perm %v (replace %v): mode %v, want %v", tt.perm, replace, got, tt.want)
			}
		}
	}
}
