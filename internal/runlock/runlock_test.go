package runlock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestMain lets the test binary act as a lock holder: with
// RUNLOCK_TEST_HOLD=<dir> it locks dir, prints "locked" and waits to be
// killed (or for its standard input to close).
func TestMain(m *testing.M) {
	if dir := os.Getenv("RUNLOCK_TEST_HOLD"); dir != "" {
		l, err := Acquire(dir)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		bufio.NewReader(os.Stdin).ReadString('\n') // until killed or stdin closes
		l.Release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holder starts a second process that holds the lock on dir.
func holder(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RUNLOCK_TEST_HOLD="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("holder said %q, %v; want locked", line, err)
	}
	return cmd
}

// TestLockHeldByAnotherProcessAndFreedBySIGKILL locks a folder in a second
// process, checks that this one is refused with the holder's pid, kills
// the holder with SIGKILL and checks that the lock is free again.
func TestLockHeldByAnotherProcessAndFreedBySIGKILL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cmd := holder(t, dir)

	_, err := Acquire(dir)
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("Acquire while held = %v; want a *HeldError", err)
	}
	if held.PID != cmd.Process.Pid {
		t.Errorf("HeldError.PID = %d; want the holder's %d", held.PID, cmd.Process.Pid)
	}
	if want := fmt.Sprintf("pid %d", cmd.Process.Pid); !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name the folder and %q", err, want)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after the holder was killed = %v; want the lock", err)
	}
	if got := readPID(filepath.Join(dir, FileName)); got != os.Getpid() {
		t.Errorf("lock file names pid %d; want ours, %d", got, os.Getpid())
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}

// TestLockInProcess checks that a second Acquire in the same process is
// refused until the first is released.
func TestLockInProcess(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	var held *HeldError
	if _, err := Acquire(dir); !errors.As(err, &held) || held.PID != os.Getpid() {
		t.Fatalf("second Acquire = %v; want a *HeldError naming pid %d", err, os.Getpid())
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after Release = %v", err)
	}
	l2.Release()
	var none *Lock
	if err := none.Release(); err != nil {
		t.Errorf("nil Release = %v", err)
	}
}

// TestRemoveTempsSkipsOtherLocks leaves temporary files in a locked folder,
// a plain subfolder and a subfolder with its own lock, and checks that
// only the first two are cleaned.
func TestRemoveTempsSkipsOtherLocks(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gone := []string{write(".metrics.json.cemtmp-1"), write("round-1/train/model/.model.safetensors.cemtmp-22")}
	kept := []string{write("metrics.json"), write("round-1/.notes.tmp3"), write("runs/other/.x.cemtmp-4")}
	other, err := Acquire(filepath.Join(dir, "runs", "other"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Release()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	removed, err := l.RemoveTemps()
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != len(gone) {
		t.Errorf("removed %q; want %q", removed, gone)
	}
	for _, p := range gone {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v; want removed", p, err)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v; want kept", p, err)
		}
	}
}
