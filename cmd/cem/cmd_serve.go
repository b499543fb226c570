package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newServeCommand is a placeholder until the command lands.
func newServeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve a built-in model over the OpenAI API (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("serve: not yet available")
		},
	}
}
