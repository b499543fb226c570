package main

import (
	"context"
	"fmt"
	"io"

	"github.com/cemlab/cem/demo"
)

// runDemoSeeds runs the demo for opts.Seeds seeds from opts.Seed, each in
// its own workspace (demo.SeedDir), printing each seed's tables, then one
// line per seed and the mean and range of the gains over the seeds.
func runDemoSeeds(ctx context.Context, opts demoOptions, out io.Writer) error {
	var rows []demo.SeedRow
	for i := range opts.Seeds {
		o := opts
		o.Seed = opts.Seed + int64(i)
		dir, err := demo.SeedDir(opts.Dir, o.Seed)
		if err != nil {
			return err
		}
		o.Dir = dir
		fmt.Fprintf(out, "\n=== seed %d (%s)\n", o.Seed, dir)
		res, err := runDemoResult(ctx, o, out)
		if err != nil {
			return fmt.Errorf("seed %d: %w", o.Seed, err)
		}
		rows = append(rows, demo.SeedRowOf(o.Seed, res.CEM))
	}
	fmt.Fprintf(out, "\nCEM over %d seeds (final accepted gain since round 0 in points, McNemar p vs round 0):\n", len(rows))
	return demo.WriteSeeds(out, rows, demo.SeedColumns())
}
