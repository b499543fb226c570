package main

import (
	"log/slog"
	"slices"
	"testing"
)

// TestLogger: plain lines, level first for warnings, attributes as
// key=value (groups prefix them), records below the level dropped.
func TestLogger(t *testing.T) {
	defer logLevel.Set(logLevel.Level())
	tests := []struct {
		name  string
		level slog.Level
		log   func(*slog.Logger)
		want  []string
	}{
		{"info line as is", slog.LevelInfo, func(l *slog.Logger) { l.Info("  exam exam: 16 items") }, []string{"  exam exam: 16 items"}},
		{"warning and attributes", slog.LevelInfo, func(l *slog.Logger) { l.With("run", "r1").WithGroup("job").Warn("slow", "s", 3) },
			[]string{"WARNING: slow run=r1 job.s=3"}},
		{"debug dropped at info", slog.LevelInfo, func(l *slog.Logger) { l.Debug("detail") }, nil},
		{"debug kept at debug", slog.LevelDebug, func(l *slog.Logger) { l.Debug("detail") }, []string{"detail"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logLevel.Set(tt.level)
			var got []string
			tt.log(newLogger(func(s string) { got = append(got, s) }))
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines = %q; want %q", got, tt.want)
			}
		})
	}
}
