package logtest

import (
	"slices"
	"testing"
)

func TestMessages(t *testing.T) {
	var lines []string
	log := Messages(&lines).With("k", 1)
	log.Info("one")
	log.Debug("two", "x", 2)
	if !slices.Equal(lines, []string{"one", "two"}) {
		t.Errorf("lines = %q; want one, two", lines)
	}
}
