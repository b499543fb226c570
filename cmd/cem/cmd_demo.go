package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/demo"
)

// demoOptions are the flags of `cem demo`: demo.Run's options (Observer,
// Log and Progress are set by runDemoResult) and the number of seeds.
type demoOptions struct {
	demo.Options
	Seeds int
}

func (o *demoOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Dir, "dir", "", "workspace for suites, index, models and runs (default <data root>/../demo)")
	f.BoolVar(&o.Quick, "quick", false, "tiny model, few items, one round (about a minute)")
	f.IntVar(&o.Rounds, "rounds", 0, "CEM rounds (default 3, or 1 with --quick)")
	f.Int64Var(&o.Seed, "seed", 1, "seed of every random choice")
	f.BoolVar(&o.NoBaseline, "no-baseline", false, "run no baseline (not even --efficiency's)")
	f.StringSliceVar(&o.Baselines, "baselines", demo.DefaultBaselines, "baselines run beside CEM: "+strings.Join(config.Baselines(), ", ")+
		" (untargeted and random-evidence each take as long as the CEM run; rag only one more exam)")
	f.BoolVar(&o.Efficiency, "efficiency", false, fmt.Sprintf("also run random-evidence at %v times CEM's loss-bearing tokens and chart gain against tokens in the report", demo.EfficiencyScales))
	f.IntVar(&o.Seeds, "seeds", 1, "run this many seeds (--seed, --seed+1, ...), each in <dir>/seed-N, and print the mean and range of the gains")
	f.BoolVar(&o.NoMixed, "no-mixed", false, "leave out mixed training (reverse, collateral and extractive questions about capital facts outside every suite, in base tuning and each round's general pool)")
	f.StringVar(&o.Scoring, "scoring", "", "multiple-choice scoring: mean, sum or pmi (default "+demo.DefaultScoring+")")
}

func newDemoCommand() *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the CEM demo end to end: data, suites, index, base model, rounds, baseline, report",
		Long: `Fetch the demo data if missing, build the exam, heldout, ood and general suites,
the search index and a small native base model (all cached), run CEM rounds and
the baselines (random and rag by default; see --baselines and --efficiency),
print the per-round tables and the targets, and write an HTML report with the
baselines beside CEM. Running it again reuses everything already built. A
missing optional source (the Factbook) is a warning here and in the report.`,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.Seeds < 1 {
				return usagef("demo: --seeds must be >= 1")
			}
			if opts.Rounds < 0 {
				return usagef("demo: --rounds must be >= 0")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Seeds > 1 {
				return runDemoSeeds(cmd.Context(), opts, cmd.OutOrStdout())
			}
			return runDemo(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// runDemo runs the demo and prints its tables and targets.
func runDemo(ctx context.Context, opts demoOptions, out io.Writer) error {
	_, err := runDemoResult(ctx, opts, out)
	return err
}

// runDemoResult is runDemo, returning the demo's result too.
func runDemoResult(ctx context.Context, opts demoOptions, out io.Writer) (*demo.Result, error) {
	pr := newPrinter(out)
	o := opts.Options
	o.Observer, o.Log, o.Progress = pr, newLogger(pr.line), pr
	res, err := demo.Run(ctx, o)
	pr.finish()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(out, "interrupted; run `cem demo` again to resume")
		}
		return nil, err
	}
	fmt.Fprintln(out, "\nCEM, per round (accuracy % [Wilson 95% interval], change since round 0 in points;")
	fmt.Fprintln(out, "heldout = probes of the exam's facts, interference = facts taught nowhere):")
	if err := demo.WriteTable(out, res.CEM); err != nil {
		return nil, err
	}
	for _, b := range res.Baselines {
		fmt.Fprintf(out, "\n%s:\n", b.Title())
		if err := demo.WriteTable(out, b.Summary); err != nil {
			return nil, err
		}
	}
	if len(res.Efficiency) > 0 {
		fmt.Fprintln(out, "\nData efficiency (final gain since round 0 in points against the loss-bearing tokens trained):")
		if err := demo.WriteEfficiency(out, res.Efficiency); err != nil {
			return nil, err
		}
	}
	fmt.Fprintln(out, "\nTargets:")
	for _, t := range res.Targets {
		mark := "MISSED"
		if t.Met {
			mark = "met"
		}
		fmt.Fprintf(out, "  %-32s goal %-28s measured %-7s %s\n", t.Name, t.Goal, t.Measured, mark)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(out, "\nWARNING: %s\n", w)
	}
	fmt.Fprintf(out, "\nreport: %s\ntotal wall time: %s\n", res.Report, res.Elapsed.Round(time.Second))
	return res, nil
}
