package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/report/headline"
	"github.com/cemlab/cem/store"
)

// runsOptions are the flags of `cem runs`.
type runsOptions struct {
	Index        string
	Name         string
	Seed         int64
	Baseline     string
	Since, Until string
	JSON         bool
	Summary      bool
	set          func(string) bool
}

func newRunsCommand() *cobra.Command {
	var o runsOptions
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List the runs of the run index with their best accepted round and gains",
		Long: `List the runs recorded in the run index (runs.sqlite, written by cem run),
the latest first: name, seed, baseline, rounds accepted, the best accepted
round (highest mean gain) and its gains per suite. Filter with --name,
--seed, --baseline (cem for runs without one), --since and --until
(YYYY-MM-DD or RFC 3339). --summary adds each run's summary (read from its
run folder); --json prints the rows as JSON for scripts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.set = cmd.Flags().Changed
			return runRuns(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Index, "index", "runs/runs.sqlite", "the run index")
	f.StringVar(&o.Name, "name", "", "only runs of this config name")
	f.Int64Var(&o.Seed, "seed", 0, "only runs with this seed")
	f.StringVar(&o.Baseline, "baseline", "", "only runs of this baseline (cem: none)")
	f.StringVar(&o.Since, "since", "", "only runs indexed at or after this date")
	f.StringVar(&o.Until, "until", "", "only runs indexed at or before this date")
	f.BoolVar(&o.JSON, "json", false, "print JSON")
	f.BoolVar(&o.Summary, "summary", false, "add each run's summary (fixed, cost, lost, gate)")
	return cmd
}

// runRow is a listed run, with its summary when asked for.
type runRow struct {
	store.RunRow
	Summary *headline.Headline `json:"summary,omitempty"`
}

func runRuns(ctx context.Context, o runsOptions, out io.Writer) error {
	set := o.set
	if set == nil {
		set = func(string) bool { return false }
	}
	var f store.Filter
	f.Name = o.Name
	if set("seed") {
		f.Seed = &o.Seed
	}
	if set("baseline") || o.Baseline != "" {
		b := o.Baseline
		if b == "cem" {
			b = ""
		}
		f.Baseline = &b
	}
	var err error
	if f.Since, err = parseDate("since", o.Since, false); err != nil {
		return err
	}
	if f.Until, err = parseDate("until", o.Until, true); err != nil {
		return err
	}
	if _, err := os.Stat(o.Index); err != nil {
		return usagef("run index %s: %v (cem run writes it beside the run folder; --index names another)", o.Index, err)
	}
	db, err := store.Open(ctx, o.Index)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := db.ListRuns(ctx, f)
	if err != nil {
		return err
	}
	rows := make([]runRow, len(list))
	for i, r := range list {
		rows[i].RunRow = r
		if o.Summary {
			if h, err := headline.FromRun(r.Run); err == nil {
				rows[i].Summary = h
			}
		}
	}
	if o.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []runRow{}
		}
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(out, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tseed\tmode\taccepted\tbest\tgains\tupdated\trun")
	for _, r := range rows {
		mode := r.Baseline
		if mode == "" {
			mode = "cem"
		}
		var gains []string
		for _, s := range slices.Sorted(maps.Keys(r.Gains)) {
			gains = append(gains, fmt.Sprintf("%s %+.1f", s, r.Gains[s]))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d/%d\t%d\t%s\t%s\t%s\n", r.Name, r.Seed, mode, r.Accepted, r.Rounds, r.Best,
			strings.Join(gains, ", "), r.Updated.Local().Format("2006-01-02 15:04"), shownPath(r.Run))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Summary != nil {
			fmt.Fprintf(out, "\n%s\n", r.Summary.Paragraph())
			for _, fig := range r.Summary.Figures() {
				fmt.Fprintf(out, "  %s\n", fig)
			}
		}
	}
	return nil
}

// parseDate reads --since/--until: a date (the day's end for until) or RFC 3339.
func parseDate(flag, s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, usagef("--%s %q: want YYYY-MM-DD or RFC 3339", flag, s)
	}
	if end {
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, nil
}
