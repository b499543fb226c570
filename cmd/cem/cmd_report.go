package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/report"
)

// reportOptions are the flags of `cem report`.
type reportOptions struct {
	Out     string
	Compare []string
}

func (o *reportOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Out, "out", "o", "", "HTML file to write (default RUN/report.html)")
	f.StringSliceVar(&o.Compare, "compare", nil, "other run folders (e.g. baselines) to show side by side")
}

func newReportCommand() *cobra.Command {
	var opts reportOptions
	cmd := &cobra.Command{
		Use:   "report RUN",
		Short: "Write the self-contained HTML report of a run",
		Long: `Write the self-contained HTML report of a run, then print each round's
evidence by knowledge source: candidates, kept passages (the best ` + fmt.Sprint(reportTopEvidence) + ` per
source, with title, URL, licence, revision and the sources agreeing) and
the PII redactions made in the source's passages.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(opts, args[0], cmd.OutOrStdout())
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// reportTopEvidence is the number of kept passages per source that
// `cem report` prints.
const reportTopEvidence = 3

// runReport writes the report of the run folder dir and prints the
// evidence by source.
func runReport(opts reportOptions, dir string, out io.Writer) error {
	path, err := report.Write(dir, report.Options{Out: opts.Out, Compare: opts.Compare})
	if err != nil {
		return usageError{err}
	}
	fmt.Fprintln(out, "wrote", path)
	return report.Sources(out, dir, reportTopEvidence)
}
