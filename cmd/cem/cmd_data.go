package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newDataCommand is a placeholder until the command lands.
func newDataCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "data",
		Short: "Fetch and inspect the demo data (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("data: not yet available")
		},
	}
}
