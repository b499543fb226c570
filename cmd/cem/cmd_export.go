package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newExportCommand is a placeholder until the command lands.
func newExportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "export",
		Short: "Export a round's training set for other trainers (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("export: not yet available")
		},
	}
}
