package main

import (
	"os"
	"strconv"
	"syscall"

	"github.com/cemlab/cem/loop"
)

// killAfterEnv, in a subprocess acting as cem, is N: the process SIGKILLs
// itself right after the N-th boundary of the run, counting every stage
// (produced: its manifest written, or reused) and every round finished
// (its metrics written), when that boundary is one this process made.
// Run with N = 1, 2, 3, ... on one folder, each process makes one more
// boundary and dies right after it. Test-only: the cem command never
// reads it; TestMain installs the hook through wrapObserver.
const killAfterEnv = "CEM_TEST_KILL_AFTER"

// installKillHook makes the subprocess kill itself as killAfterEnv says.
func installKillHook() {
	n, err := strconv.Atoi(os.Getenv(killAfterEnv))
	if err != nil || n <= 0 {
		return
	}
	seen := 0
	wrapObserver = func(o loop.Observer) loop.Observer {
		return loop.ObserverFunc(func(e loop.Event) {
			o.Event(e)
			switch e.Kind {
			case loop.StageFinished, loop.StageSkipped, loop.RoundFinished:
				if seen++; seen == n && e.Kind != loop.StageSkipped {
					syscall.Kill(os.Getpid(), syscall.SIGKILL)
				}
			}
		})
	}
}
