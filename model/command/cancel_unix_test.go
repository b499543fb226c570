//go:build unix

package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cemlab/cem/model"
)

func TestCancelKillsProcessGroup(t *testing.T) {
	set := roundSet(t)
	pidFile := filepath.Join(set.Dir, "child.pid")
	tr, err := New(Config{Command: `sh -c 'sleep 30 & echo $! > "$1"; wait' sh ` + pidFile, KillGrace: 200 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = tr.Train(ctx, model.Ref{Path: "/base"}, set)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Train after cancel = %v; want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Train returned %v after cancel; want promptly", d)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the command did not record its child: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(2 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("child %d survived the cancelled round", pid)
	}
}

// alive reports whether pid runs (a zombie, reparented to an init that
// has not reaped it yet, counts as dead).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil // no /proc: best effort
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}
