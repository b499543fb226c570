package defaults

import (
	"math"
	"testing"
	"time"
)

func TestPositive(t *testing.T) {
	if got := Positive(0, 3); got != 3 {
		t.Errorf("Positive(0, 3) = %d; want 3", got)
	}
	if got := Positive(-1*time.Second, time.Minute); got != time.Minute {
		t.Errorf("Positive(-1s, 1m) = %v; want 1m", got)
	}
	if got := Positive(0.5, 2); got != 0.5 {
		t.Errorf("Positive(0.5, 2) = %v; want 0.5", got)
	}
	if got := Positive(math.NaN(), 2); !math.IsNaN(got) {
		t.Errorf("Positive(NaN, 2) = %v; want NaN kept, as v <= 0 is false", got)
	}
}
