package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/rundir"
)

func newCompareCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "compare RUN...",
		Short: "Print runs (e.g. CEM and its baselines) side by side",
		Long: `Print, for each run folder, the final accuracy of every suite in the accepted
trajectory with its change since round 0, the rounds accepted and the tokens
trained.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(args, cmd.OutOrStdout())
		},
	}
}

// runCompare prints the runs in dirs side by side.
func runCompare(dirs []string, out io.Writer) error {
	var runs []*rundir.Summary
	for _, d := range dirs {
		s, err := rundir.ReadSummary(d)
		if err != nil {
			return usageError{err}
		}
		runs = append(runs, s)
	}
	return report.Compare(out, runs)
}
