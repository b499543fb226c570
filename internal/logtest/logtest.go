// Package logtest keeps what a library logs, for tests that check it.
package logtest

import (
	"context"
	"log/slog"
)

// Messages returns a logger that appends each record's message, at any
// level, to *lines (attributes are dropped).
func Messages(lines *[]string) *slog.Logger { return slog.New(messages{lines}) }

type messages struct{ lines *[]string }

func (m messages) Enabled(context.Context, slog.Level) bool { return true }

func (m messages) Handle(_ context.Context, r slog.Record) error {
	*m.lines = append(*m.lines, r.Message)
	return nil
}

func (m messages) WithAttrs([]slog.Attr) slog.Handler { return m }
func (m messages) WithGroup(string) slog.Handler      { return m }
