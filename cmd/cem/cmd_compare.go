package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCompareCommand is a placeholder until the command lands.
func newCompareCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "compare",
		Short: "Compare runs side by side (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("compare: not yet available")
		},
	}
}
