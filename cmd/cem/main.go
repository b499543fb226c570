// Command cem keeps a language model improving after deployment by
// learning from its own mistakes (the CEM method, arXiv 2404.08707).
//
// Exit codes: 0 success, 1 failure, 2 bad usage or bad input, 130 interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
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
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
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
		newDemoCommand(),
		newCompareCommand(),
		newReportCommand(),
		newExportCommand(),
		newServeCommand(),
		newGGUFCommand(),
	)
	return root
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newRootCommand().ExecuteContext(ctx)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "cem:", err)
	var ue usageError
	switch {
	case errors.As(err, &ue):
		os.Exit(2)
	case errors.Is(err, context.Canceled):
		os.Exit(130)
	default:
		os.Exit(1)
	}
}
