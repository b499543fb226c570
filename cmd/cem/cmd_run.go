package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newRunCommand is a placeholder until the command lands.
func newRunCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run CEM rounds from a configuration (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("run: not yet available")
		},
	}
}
