package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newDemoCommand is a placeholder until the command lands.
func newDemoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Run the CEM demo end to end (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("demo: not yet available")
		},
	}
}
