package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newModelCommand is a placeholder until the command lands.
func newModelCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "model",
		Short: "Train, inspect and convert built-in models (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("model: not yet available")
		},
	}
}
