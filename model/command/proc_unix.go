//go:build unix

package command

import (
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// setProcessGroup makes cmd lead a new process group; cancelling its
// context sends SIGTERM to the group, then SIGKILL after grace. The
// returned function, called after Wait, kills any member still alive if
// the command was cancelled.
func setProcessGroup(cmd *exec.Cmd, grace time.Duration) (stop func()) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var mu sync.Mutex
	var timer *time.Timer // set once cancelled
	cmd.Cancel = func() error {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		mu.Lock()
		timer = time.AfterFunc(grace, func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
		mu.Unlock()
		return nil
	}
	cmd.WaitDelay = grace + time.Second
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if timer != nil {
			timer.Stop()
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}
}
