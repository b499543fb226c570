package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// logLevel is the level of the log lines the commands print with their
// output: info, debug with --verbose; CEM_LOG_LEVEL (debug, info, warn,
// error) overrides both. Set once per command by the root command.
var logLevel = new(slog.LevelVar)

// setLogLevel sets logLevel from --verbose and CEM_LOG_LEVEL.
func setLogLevel(verbose bool) error {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	if env := os.Getenv("CEM_LOG_LEVEL"); env != "" {
		if err := level.UnmarshalText([]byte(env)); err != nil {
			return usagef("CEM_LOG_LEVEL=%s: want debug, info, warn or error", env)
		}
	}
	logLevel.Set(level)
	return nil
}

// newLogger is the logger a command hands the libraries: each record at
// or above logLevel is one plain line given to line (a printer's line,
// which closes any progress bar first): warnings start with WARNING:,
// errors with ERROR:, then the message, then the attributes as key=value.
func newLogger(line func(string)) *slog.Logger {
	return slog.New(&lineHandler{line: line})
}

// lineHandler is newLogger's handler; groups prefix their attributes'
// keys ("group.key").
type lineHandler struct {
	line   func(string)
	attrs  []slog.Attr
	prefix string
}

func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= logLevel.Level() }

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString("ERROR: ")
	case r.Level >= slog.LevelWarn:
		b.WriteString("WARNING: ")
	}
	b.WriteString(r.Message)
	for _, a := range h.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s%s=%v", h.prefix, a.Key, a.Value)
		return true
	})
	h.line(b.String())
	return nil
}

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append([]slog.Attr(nil), h.attrs...)
	for _, a := range as {
		a.Key = h.prefix + a.Key
		c.attrs = append(c.attrs, a)
	}
	return &c
}

func (h *lineHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.prefix = h.prefix + name + "."
	return &c
}
