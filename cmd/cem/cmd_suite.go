package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newSuiteCommand is a placeholder until the command lands.
func newSuiteCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "suite",
		Short: "Build and inspect exam suites (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("suite: not yet available")
		},
	}
}
