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
	rows, err := d.db.QueryContext(ctx, `SELECT run, name, baseline, seed, updated FROM runs ORDER BY updated DESC, run`)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", d.path, err)
	}
	defer rows.Close()
	var out []IndexedRun
	for rows.Next() {
		var r IndexedRun
		if err := rows.Scan(&r.Run.Run, &r.Name, &r.Baseline, &r.Seed, &r.Updated); err != nil {
			return nil, fmt.Errorf("index %s: %w", d.path, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
