// Command cem keeps a language model improving after deployment by
// learning from its own mistakes (the CEM method, arXiv 2404.08707).
//
// Exit codes: 0 success, 1 failure, 2 bad usage or bad input, 3 the run
// stopped awaiting human review (curation.review.require; decide with
// `cem review RUN`, then run again), 130 interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/review"
)

// usageError marks errors caused by bad flags, arguments or input files.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func newRootCommand() *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:           "cem",
		Short:         "Continue Evolving from Mistakes: targeted, measurable updates for language models",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			// Libraries given no logger log to the default: warnings and
			// errors (debug with --verbose) on stderr. The commands hand
			// them newLogger's, which prints with their output.
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
			return setLogLevel(verbose)
		},
	}
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log debug detail to stderr")
	root.AddCommand(
		newDataCommand(),
		newIndexCommand(),
		newSearchCommand(),
		newSuiteCommand(),
		newModelCommand(),
		newInitCommand(),
		newRunCommand(),
		newExamCommand(),
		newDemoCommand(),
		newCompareCommand(),
		newReportCommand(),
		newExportCommand(),
		newServeCommand(),
		newUICommand(),
		newGGUFCommand(),
		newReviewCommand(),
		newRunsCommand(),
	)
	markUsageErrors(root)
	return root
}

// markUsageErrors makes cobra's own errors about the command line usage
// errors (exit status 2): bad flags, wrong positional arguments and
// unknown commands, on cmd and every command below it. A command group
// (a command with subcommands and no action of its own) prints its help
// when called alone and rejects an unknown subcommand.
func markUsageErrors(cmd *cobra.Command) {
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	if cmd.HasSubCommands() && !cmd.Runnable() {
		cmd.Args = cobra.NoArgs
		cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	}
	if args := cmd.Args; args != nil {
		cmd.Args = func(c *cobra.Command, a []string) error {
			if err := args(c, a); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		markUsageErrors(sub)
	}
}

// exitCode maps an error returned by the root command to the documented
// exit status: 0 success, 1 failure, 2 bad usage or bad input, 130
// interrupted.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	case errors.Is(err, context.Canceled):
		return 130
	case errors.Is(err, review.ErrAwaiting):
		return exitAwaitingReview
	case strings.HasPrefix(err.Error(), "required flag(s) "):
		return 2 // cobra's ValidateRequiredFlags error has no type of its own
	default:
		return 1
	}
}

// exitAwaitingReview is the exit status of a run that stopped, cleanly,
// for its review sample to be decided.
const exitAwaitingReview = 3

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newRootCommand().ExecuteContext(ctx)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "cem:", err)
	os.Exit(exitCode(err))
}
