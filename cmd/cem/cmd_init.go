package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newInitCommand is a placeholder until the command lands.
func newInitCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Write an example run configuration (not yet available)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("init: not yet available")
		},
	}
}
