//go:build !unix

package command

import (
	"os/exec"
	"time"
)

// setProcessGroup: without process groups, cancelling kills the command
// itself (exec's default); its children may survive.
func setProcessGroup(cmd *exec.Cmd, grace time.Duration) (stop func()) {
	cmd.WaitDelay = grace
	return func() {}
}
