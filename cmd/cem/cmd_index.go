package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newIndexCommand is a placeholder until the command lands.
func newIndexCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "index",
		Short: "Build the BM25 search index (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("index: not yet available")
		},
	}
}
