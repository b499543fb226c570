package store

import (
	"context"
	"path/filepath"
	"testing"
)

// openTemp opens a new index in a temporary folder, closed when tb ends.
func openTemp(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "runs.sqlite"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestPutRoundIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	run := Run{Run: "/runs/a", Name: "a", Seed: 1}
	items := []Item{{Suite: "exam", ID: "q1", Correct: true}, {Suite: "exam", ID: "q2"}}
	ms := []Metric{{Suite: "exam", Name: "acc", Value: 0.5}, {Name: "mined", Value: 1}}
	for range 2 {
		if err := db.PutRound(ctx, run, Round{Round: 0, Accepted: true}, items, ms); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutRound(ctx, run, Round{Round: 1, Reasons: []string{"forgot"}}, items[:1], ms[:1]); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"runs": 1, "rounds": 2, "items": 3, "metrics": 3} {
		if got, err := db.Count(ctx, table); err != nil || got != want {
			t.Errorf("Count(%s) = %d, %v; want %d", table, got, err, want)
		}
	}
	acc, err := db.Metric(ctx, "acc")
	if err != nil {
		t.Fatal(err)
	}
	if len(acc) != 2 || acc[1].Round != 1 || acc[1].Value != 0.5 {
		t.Errorf("Metric(acc) = %+v; want rounds 0 and 1 at 0.5", acc)
	}
	if _, err := db.Count(ctx, "users"); err == nil {
		t.Errorf("Count(users) = nil error; want unknown table")
	}
}

// TestOpenCreatesFolders opens an index whose folders do not exist yet
// (the default runs/runs.sqlite on a first run).
func TestOpenCreatesFolders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "runs", "runs.sqlite")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s) = %v; want the folders created", path, err)
	}
	defer db.Close()
	if n, err := db.Count(context.Background(), "runs"); err != nil || n != 0 {
		t.Errorf("Count(runs) = %d, %v; want 0, nil", n, err)
	}
}
