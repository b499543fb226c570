package openai

import (
	"testing"
	"time"
)

func TestBackoffSeededAndBounded(t *testing.T) {
	seq := func(seed int64) []time.Duration {
		m, err := New(Config{BaseURL: "http://localhost:1/v1", Model: "m", Seed: seed,
			RetryBase: 100 * time.Millisecond, RetryMax: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		var out []time.Duration
		for a := range 8 {
			out = append(out, m.backoff(a, 0))
		}
		return out
	}
	a, b, c := seq(1), seq(1), seq(2)
	same := true
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("backoff %d with seed 1 = %v then %v; want equal", i, a[i], b[i])
		}
		same = same && a[i] == c[i]
		full := min(100*time.Millisecond<<i, time.Second)
		if a[i] < full/2 || a[i] > full {
			t.Errorf("backoff %d = %v; want within [%v, %v]", i, a[i], full/2, full)
		}
	}
	if same {
		t.Error("seeds 1 and 2 gave the same jitter; want different")
	}
	m, _ := New(Config{BaseURL: "http://localhost:1/v1", Model: "m", RetryMax: time.Second})
	if d := m.backoff(0, 10*time.Second); d != time.Second {
		t.Errorf("backoff with Retry-After 10s = %v; want capped at RetryMax 1s", d)
	}
}
