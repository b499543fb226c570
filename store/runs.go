package store

import (
	"context"
	"fmt"
)

// IndexedRun is a runs row with the time the index last recorded it.
type IndexedRun struct {
	Run
	Updated string // RFC 3339, UTC
}

// Runs returns every run of the index, most recently updated first.
func (d *DB) Runs(ctx context.Context) ([]IndexedRun, error) {
	return queryRows(ctx, d, func(r *IndexedRun) []any { return []any{&r.Run.Run, &r.Name, &r.Baseline, &r.Seed, &r.Updated} },
		`SELECT run, name, baseline, seed, updated FROM runs ORDER BY updated DESC, run`)
}

// queryRows runs the query q and returns its rows, each scanned into a T
// through the destinations dest gives; a failed query or scan is an error
// naming the index, and a failure while reading rows returns those read.
func queryRows[T any](ctx context.Context, d *DB, dest func(*T) []any, q string, args ...any) ([]T, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", d.path, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var r T
		if err := rows.Scan(dest(&r)...); err != nil {
			return nil, fmt.Errorf("index %s: %w", d.path, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
