package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is an open index. It is safe for use by one process at a time.
type DB struct {
	db   *sql.DB
	path string
}

const schema = `
CREATE TABLE IF NOT EXISTS runs (
	run TEXT PRIMARY KEY, name TEXT NOT NULL, dir TEXT NOT NULL,
	baseline TEXT NOT NULL, seed INTEGER NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rounds (
	run TEXT NOT NULL, round INTEGER NOT NULL, accepted INTEGER NOT NULL, reasons TEXT NOT NULL,
	PRIMARY KEY (run, round));
CREATE TABLE IF NOT EXISTS items (
	run TEXT NOT NULL, round INTEGER NOT NULL, suite TEXT NOT NULL, item TEXT NOT NULL,
	correct INTEGER NOT NULL, confidence REAL NOT NULL, margin REAL NOT NULL, prediction TEXT NOT NULL,
	PRIMARY KEY (run, round, suite, item));
CREATE TABLE IF NOT EXISTS metrics (
	run TEXT NOT NULL, round INTEGER NOT NULL, suite TEXT NOT NULL, name TEXT NOT NULL, value REAL NOT NULL,
	PRIMARY KEY (run, round, suite, name));
`

// Open opens (creating it, and its folder, when missing) the index at
// path and ensures its schema. A folder that cannot be written is named
// in the error.
func Open(ctx context.Context, path string) (*DB, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;"+schema); err != nil {
		db.Close()
		if werr := writableDir(dir); werr != nil {
			return nil, fmt.Errorf("index %s: %w (choose another index with --index)", path, werr)
		}
		return nil, fmt.Errorf("index %s: schema: %w", path, err)
	}
	return &DB{db: db, path: path}, nil
}

// writableDir reports why files cannot be created in dir, or nil.
func writableDir(dir string) error {
	f, err := os.CreateTemp(dir, ".cem-write-check-*")
	if err != nil {
		return fmt.Errorf("folder %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Close closes the index.
func (d *DB) Close() error { return d.db.Close() }

// Run is a runs row.
type Run struct {
	Run      string // the run folder's absolute path
	Name     string
	Baseline string
	Seed     int64
}

// Round is a rounds row.
type Round struct {
	Round    int
	Accepted bool
	Reasons  []string
}

// Item is an items row.
type Item struct {
	Suite      string
	ID         string
	Correct    bool
	Confidence float64
	Margin     float64
	Prediction string
}

// Metric is a metrics row; Suite is "" for a round-level metric.
type Metric struct {
	Suite string
	Name  string
	Value float64
}

// PutRound records a run's round in one transaction, replacing what an
// earlier call recorded for the same run and round.
func (d *DB) PutRound(ctx context.Context, run Run, round Round, items []Item, ms []Metric) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index %s: %w", d.path, err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) error {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("index %s: run %s round %d: %w", d.path, run.Run, round.Round, err)
		}
		return nil
	}
	if err := exec(`INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?)`,
		run.Run, run.Name, run.Run, run.Baseline, run.Seed, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	if err := exec(`INSERT OR REPLACE INTO rounds VALUES (?, ?, ?, ?)`,
		run.Run, round.Round, round.Accepted, strings.Join(round.Reasons, "; ")); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM items WHERE run = ? AND round = ?`, `DELETE FROM metrics WHERE run = ? AND round = ?`} {
		if err := exec(q, run.Run, round.Round); err != nil {
			return err
		}
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("index %s: %w", d.path, err)
	}
	defer ins.Close()
	for _, it := range items {
		if _, err := ins.ExecContext(ctx, run.Run, round.Round, it.Suite, it.ID, it.Correct, it.Confidence, it.Margin, it.Prediction); err != nil {
			return fmt.Errorf("index %s: item %s/%s: %w", d.path, it.Suite, it.ID, err)
		}
	}
	for _, m := range ms {
		if err := exec(`INSERT OR REPLACE INTO metrics VALUES (?, ?, ?, ?, ?)`, run.Run, round.Round, m.Suite, m.Name, m.Value); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index %s: commit: %w", d.path, err)
	}
	return nil
}

// Accuracy is one metrics row read back.
type Accuracy struct {
	Run   string
	Round int
	Suite string
	Value float64
}

// Metric returns every (run, round, suite) value of the named metric,
// ordered by run, round and suite.
func (d *DB) Metric(ctx context.Context, name string) ([]Accuracy, error) {
	return queryRows(ctx, d, func(a *Accuracy) []any { return []any{&a.Run, &a.Round, &a.Suite, &a.Value} },
		`SELECT run, round, suite, value FROM metrics WHERE name = ? ORDER BY run, round, suite`, name)
}

// Count returns the number of rows of table (runs, rounds, items or metrics).
func (d *DB) Count(ctx context.Context, table string) (int, error) {
	switch table {
	case "runs", "rounds", "items", "metrics":
	default:
		return 0, fmt.Errorf("index: unknown table %q", table)
	}
	var n int
	if err := d.db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("index %s: %w", d.path, err)
	}
	return n, nil
}
