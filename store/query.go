package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Filter selects runs for ListRuns; zero fields select everything.
type Filter struct {
	Name     string // the config's name, exactly
	Seed     *int64
	Baseline *string // "" selects CEM runs (no baseline)
	// Since and Until bound the time a run was last indexed.
	Since, Until time.Time
}

// RunRow is one run of the index with its best accepted round.
type RunRow struct {
	Run      string    `json:"run"` // the run folder
	Name     string    `json:"name"`
	Baseline string    `json:"baseline,omitempty"`
	Seed     int64     `json:"seed"`
	Updated  time.Time `json:"updated"`
	Rounds   int       `json:"rounds"`   // rounds indexed after round 0
	Accepted int       `json:"accepted"` // of them accepted
	// Best is the accepted round with the highest mean gain over its
	// suites (0: none accepted); Gains are its gains per suite, in points.
	Best  int                `json:"best"`
	Gains map[string]float64 `json:"gains,omitempty"`
}

// ListRuns returns the runs f selects, the latest indexed first.
func (d *DB) ListRuns(ctx context.Context, f Filter) ([]RunRow, error) {
	var where []string
	var args []any
	if f.Name != "" {
		where, args = append(where, "name = ?"), append(args, f.Name)
	}
	if f.Seed != nil {
		where, args = append(where, "seed = ?"), append(args, *f.Seed)
	}
	if f.Baseline != nil {
		where, args = append(where, "baseline = ?"), append(args, *f.Baseline)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "updated >= ?"), append(args, f.Since.UTC().Format(time.RFC3339))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "updated <= ?"), append(args, f.Until.UTC().Format(time.RFC3339))
	}
	q := `SELECT run, name, baseline, seed, updated FROM runs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	type row struct {
		RunRow
		updated string
	}
	rs, err := queryRows(ctx, d, func(r *row) []any { return []any{&r.Run, &r.Name, &r.Baseline, &r.Seed, &r.updated} },
		q+" ORDER BY updated DESC, run", args...)
	var out []RunRow
	byRun := map[string]int{}
	for _, r := range rs {
		r.Updated, _ = time.Parse(time.RFC3339, r.updated)
		byRun[r.Run] = len(out)
		out = append(out, r.RunRow)
	}
	if err != nil || len(out) == 0 {
		return out, err
	}
	// Gains per accepted round, for every selected run, in one query.
	gains := map[string]map[int]map[string]float64{}
	grows, err := d.db.QueryContext(ctx, `SELECT r.run, r.round, r.accepted, m.suite, m.value FROM rounds r
		LEFT JOIN metrics m ON m.run = r.run AND m.round = r.round AND m.name = 'gain' WHERE r.round > 0`)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", d.path, err)
	}
	defer grows.Close()
	seen := map[[2]any]bool{}
	for grows.Next() {
		var run string
		var round int
		var accepted bool
		var suite *string
		var v *float64
		if err := grows.Scan(&run, &round, &accepted, &suite, &v); err != nil {
			return nil, fmt.Errorf("index %s: %w", d.path, err)
		}
		i, ok := byRun[run]
		if !ok {
			continue
		}
		if k := [2]any{run, round}; !seen[k] {
			seen[k] = true
			out[i].Rounds++
			if accepted {
				out[i].Accepted++
			}
		}
		if !accepted || suite == nil {
			continue
		}
		if gains[run] == nil {
			gains[run] = map[int]map[string]float64{}
		}
		if gains[run][round] == nil {
			gains[run][round] = map[string]float64{}
		}
		gains[run][round][*suite] = *v
	}
	if err := grows.Err(); err != nil {
		return nil, fmt.Errorf("index %s: %w", d.path, err)
	}
	for i := range out {
		rounds := make([]int, 0, len(gains[out[i].Run]))
		for r := range gains[out[i].Run] {
			rounds = append(rounds, r)
		}
		sort.Ints(rounds)
		best := -1e300
		for _, r := range rounds {
			g := gains[out[i].Run][r]
			sum := 0.0
			for _, v := range g {
				sum += v
			}
			if mean := sum / float64(max(1, len(g))); mean > best {
				best, out[i].Best, out[i].Gains = mean, r, g
			}
		}
	}
	return out, nil
}
