package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// fill indexes n runs of three rounds: run i has seed i%5, baseline
// "random" for odd i, and gains growing with the round except round 2,
// rolled back.
func fill(t testing.TB, d *DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		run := Run{Run: fmt.Sprintf("/runs/r%03d", i), Name: fmt.Sprintf("cfg%d", i%3), Seed: int64(i % 5)}
		if i%2 == 1 {
			run.Baseline = "random"
		}
		for r := range 4 {
			ms := []Metric{{Suite: "exam", Name: "gain", Value: float64(r * (i + 2))}, {Suite: "general", Name: "gain", Value: -float64(r)}}
			if err := d.PutRound(ctx, run, Round{Round: r, Accepted: r != 2}, []Item{{Suite: "exam", ID: "q1", Correct: r > 0}}, ms); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestListRuns(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	fill(t, d, 100)
	start := time.Now()
	all, err := d.ListRuns(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ListRuns over 100 runs of 3 rounds: %v", time.Since(start))
	if len(all) != 100 {
		t.Fatalf("%d runs; want 100", len(all))
	}
	for _, r := range all {
		if r.Rounds != 3 || r.Accepted != 2 || r.Best != 3 || r.Gains["general"] != -3 {
			t.Fatalf("row %+v; want 3 rounds, 2 accepted, best 3 (round 2 rolled back), general gain -3", r)
		}
	}
	seed, cem, random := int64(2), "", "random"
	for _, tc := range []struct {
		name string
		f    Filter
		want int
	}{
		{"name", Filter{Name: "cfg1"}, 33},
		{"seed", Filter{Seed: &seed}, 20},
		{"baseline", Filter{Baseline: &random}, 50},
		{"cem", Filter{Baseline: &cem, Name: "cfg0"}, 17},
		{"since", Filter{Since: time.Now().Add(time.Hour)}, 0},
		{"until", Filter{Until: time.Now().Add(time.Hour)}, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := d.ListRuns(ctx, tc.f)
			if err != nil || len(got) != tc.want {
				t.Errorf("ListRuns(%+v) = %d runs, %v; want %d", tc.f, len(got), err, tc.want)
			}
		})
	}
}

// BenchmarkListRuns lists an index of 100 runs.
func BenchmarkListRuns(b *testing.B) {
	ctx := context.Background()
	d := openTemp(b)
	fill(b, d, 100)
	for b.Loop() {
		if _, err := d.ListRuns(ctx, Filter{}); err != nil {
			b.Fatal(err)
		}
	}
}
