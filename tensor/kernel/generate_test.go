package kernel

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedAssembly checks that the committed assembly is what the
// generator in _asm writes now.
func TestGeneratedAssembly(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs the assembly generator")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool:", err)
	}
	dir := t.TempDir()
	out, err := exec.Command(gobin, "run", "./_asm", "-out", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./_asm: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.s"))
	if len(files) == 0 {
		t.Fatal("the generator wrote no .s files")
	}
	for _, f := range files {
		name := filepath.Base(f)
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output (err %v); run go generate in tensor/kernel", name, err)
		}
	}
}
