package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// ExitError is a training command that exited non-zero.
type ExitError struct {
	Command string   // the program
	Code    int      // exit code; -1 when killed by a signal
	Tail    []string // the last lines of output, both streams in arrival order
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("command: %s exited with code %d", e.Command, e.Code)
	if len(e.Tail) > 0 {
		msg += "; last output:\n  " + strings.Join(e.Tail, "\n  ")
	}
	return msg
}

// run starts argv and waits for it, streaming output lines.
func (t *Trainer) run(ctx context.Context, argv []string, setDir string, also func(Line)) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = t.cfg.Dir
	if cmd.Dir == "" {
		cmd.Dir = setDir
	}
	cmd.Env = append(os.Environ(), t.cfg.Env...)
	tail := &tailBuffer{max: t.cfg.TailLines}
	onLine := t.onLine
	if also != nil {
		onLine = func(l Line) {
			also(l)
			if t.onLine != nil {
				t.onLine(l)
			}
		}
	}
	stdout := &lineWriter{stream: "stdout", tail: tail, onLine: onLine}
	stderr := &lineWriter{stream: "stderr", tail: tail, onLine: onLine}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	stop := setProcessGroup(cmd, t.cfg.KillGrace)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("command: starting %s: %w", argv[0], err)
	}
	err := cmd.Wait()
	stop() // kill what is left of the group if we were cancelled
	stdout.flush()
	stderr.flush()
	if ctx.Err() != nil {
		return fmt.Errorf("command: %s: %w", argv[0], context.Cause(ctx))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &ExitError{Command: argv[0], Code: ee.ExitCode(), Tail: tail.lines()}
	}
	if err != nil {
		return fmt.Errorf("command: %s: %w", argv[0], err)
	}
	return nil
}

// tailBuffer keeps the last max lines.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []string
}

func (b *tailBuffer) add(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, s)
	if len(b.buf) > b.max {
		b.buf = b.buf[len(b.buf)-b.max:]
	}
}

func (b *tailBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.buf...)
}

// lineWriter splits a stream into lines for the callback and the tail.
// exec copies each stream from one goroutine, so Write is never concurrent.
type lineWriter struct {
	stream  string
	tail    *tailBuffer
	onLine  func(Line)
	partial []byte
}

// maxLine bounds a line without a newline (a progress bar) before it is
// reported anyway.
const maxLine = 64 << 10

func (w *lineWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexAny(w.partial, "\n\r")
		if i < 0 {
			if len(w.partial) > maxLine {
				w.emit(w.partial)
				w.partial = w.partial[:0]
			}
			return len(p), nil
		}
		w.emit(w.partial[:i])
		w.partial = w.partial[i+1:]
	}
}

func (w *lineWriter) flush() {
	if len(w.partial) > 0 {
		w.emit(w.partial)
		w.partial = nil
	}
}

func (w *lineWriter) emit(b []byte) {
	s := strings.TrimRight(string(b), " \t")
	if s == "" {
		return
	}
	w.tail.add(s)
	if w.onLine != nil {
		w.onLine(Line{Stream: w.stream, Text: s})
	}
}
