package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newSearchCommand is a placeholder until the command lands.
func newSearchCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "search",
		Short: "Search the knowledge index (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("search: not yet available")
		},
	}
}
