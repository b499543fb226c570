package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"
)

// reviewOptions are the flags of `cem review`.
type reviewOptions struct {
	Round      int
	Approve    []string
	Reject     []string
	ApproveAll bool
	Who        string
	Note       string
	All        bool
}

func newReviewCommand() *cobra.Command {
	var o reviewOptions
	cmd := &cobra.Command{
		Use:   "review RUN",
		Short: "List the passages awaiting human review in a run, and decide them",
		Long: `Without a decision flag, list the sampled passages of RUN that await a
person's verdict (curation.review in the config), with their source,
provenance and the exam item they were retrieved for; --all lists decided
ones too, with their verdict.

--approve ID and --reject ID (repeatable; --note gives the reason) record
decisions under --who (default $USER) in round-<r>/review-decisions.jsonl;
--approve-all approves every pending passage. A later decision on a passage
replaces the earlier one. Decisions are refused while a cem process writes
the run folder. Run ` + "`cem run`" + ` again to resume a run that awaits review.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReview(args[0], o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Round, "round", 0, "the round the decided passages belong to (default: the round that holds each passage)")
	f.StringArrayVar(&o.Approve, "approve", nil, "approve this passage id (repeatable)")
	f.StringArrayVar(&o.Reject, "reject", nil, "reject this passage id (repeatable)")
	f.BoolVar(&o.ApproveAll, "approve-all", false, "approve every pending passage")
	f.StringVar(&o.Who, "who", os.Getenv("USER"), "who decides (recorded with each decision)")
	f.StringVar(&o.Note, "note", "", "a note recorded with the decisions (the reason of a rejection)")
	f.BoolVar(&o.All, "all", false, "list decided passages too")
	return cmd
}

// runReview lists or decides RUN's review queue.
func runReview(dir string, o reviewOptions, out io.Writer) error {
	rounds, err := rundir.Rounds(dir)
	if err != nil {
		return usageError{err}
	}
	var queue []review.Entry
	for _, r := range rounds {
		q, err := review.Queue(dir, r)
		if err != nil {
			return err
		}
		queue = append(queue, q...)
	}
	if len(o.Approve)+len(o.Reject) == 0 && !o.ApproveAll {
		return listReview(dir, queue, o.All, out)
	}
	if strings.TrimSpace(o.Who) == "" {
		return usagef("--who is empty and $USER is not set: say who decides")
	}
	var ds []review.Decision
	add := func(id, verdict string) error {
		r, err := roundOf(queue, id, o.Round)
		if err != nil {
			return err
		}
		ds = append(ds, review.Decision{Round: r, PassageID: id, Verdict: verdict, Who: o.Who, Note: o.Note})
		return nil
	}
	for _, id := range o.Approve {
		if err := add(id, review.Approve); err != nil {
			return usageError{err}
		}
	}
	for _, id := range o.Reject {
		if err := add(id, review.Reject); err != nil {
			return usageError{err}
		}
	}
	if o.ApproveAll {
		for _, e := range queue {
			if e.Decision == nil && (o.Round == 0 || e.Round == o.Round) {
				ds = append(ds, review.Decision{Round: e.Round, PassageID: e.PassageID, Verdict: review.Approve, Who: o.Who, Note: o.Note})
			}
		}
	}
	if err := review.DecideAll(dir, ds); err != nil {
		return usageError{err}
	}
	left := 0
	for _, e := range queue {
		decided := false
		for _, d := range ds {
			decided = decided || (d.Round == e.Round && d.PassageID == e.PassageID)
		}
		if e.Decision == nil && !decided {
			left++
		}
	}
	fmt.Fprintf(out, "recorded %d decisions by %s; %d passages still await review", len(ds), o.Who, left)
	if left == 0 {
		fmt.Fprintf(out, "; `cem run` resumes the run")
	}
	fmt.Fprintln(out)
	return nil
}

// roundOf finds the round whose sample holds passage id (the given round
// when not 0); an id in no sample, or in several without a round, is an
// error.
func roundOf(queue []review.Entry, id string, round int) (int, error) {
	var found []int
	for _, e := range queue {
		if e.PassageID == id && (round == 0 || e.Round == round) {
			found = append(found, e.Round)
		}
	}
	switch len(found) {
	case 0:
		return 0, fmt.Errorf("passage %q is in no review sample of this run (`cem review RUN` lists them)", id)
	case 1:
		return found[0], nil
	default:
		return 0, fmt.Errorf("passage %q is sampled in rounds %v: say which with --round", id, found)
	}
}

// listReview prints the queue: pending items, and decided ones with all.
func listReview(dir string, queue []review.Entry, all bool, out io.Writer) error {
	pending := 0
	for _, e := range queue {
		if e.Decision == nil {
			pending++
		}
	}
	if len(queue) == 0 {
		fmt.Fprintf(out, "%s has no review sample (set curation.review in the config)\n", shownPath(dir))
		return nil
	}
	fmt.Fprintf(out, "%d of %d sampled passages await review\n", pending, len(queue))
	for _, e := range queue {
		if e.Decision != nil && !all {
			continue
		}
		state := "pending"
		if d := e.Decision; d != nil {
			state = d.Verdict + " by " + d.Who
			if d.Note != "" {
				state += ": " + d.Note
			}
		}
		fmt.Fprintf(out, "\nround %d  %s  [%s]  %s\n", e.Round, e.PassageID, e.Source, state)
		fmt.Fprintf(out, "  for item %s (answer %q), query %q\n", e.ItemID, e.Answer, e.Query)
		if e.Title != "" {
			fmt.Fprintf(out, "  %s\n", e.Title)
		}
		fmt.Fprintf(out, "  %s\n", e.Text)
		if e.URL != "" || e.License != "" {
			fmt.Fprintf(out, "  %s %s\n", e.URL, e.License)
		}
	}
	if pending > 0 {
		fmt.Fprintf(out, "\ndecide with `cem review %s --approve ID` or `--reject ID --note WHY` (or --approve-all)\n", shownPath(dir))
	}
	return nil
}
