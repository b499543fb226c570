package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newReportCommand is a placeholder until the command lands.
func newReportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "report",
		Short: "Write the HTML report of a run (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("report: not yet available")
		},
	}
}
