package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/trainset"
)

// initOptions are the flags of `cem init`.
type initOptions struct {
	Force   bool
	Prompts string
}

func (o *initOptions) AddFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&o.Force, "force", "f", false, "overwrite an existing file")
	cmd.Flags().StringVar(&o.Prompts, "prompts", "", "also write the helper's built-in prompt templates (extract.tmpl, write.tmpl, paraphrase.tmpl) into `DIR`, to edit and name under helper.prompts")
}

func newInitCommand() *cobra.Command {
	var opts initOptions
	cmd := &cobra.Command{
		Use:   "init [PATH]",
		Short: "Write a commented example run configuration (default cem.yaml)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "cem.yaml"
			if len(args) == 1 {
				path = args[0]
			}
			return runInit(opts, path, cmd.OutOrStdout())
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// runInit writes the example configuration to path, refusing to replace
// an existing file unless opts.Force.
func runInit(opts initOptions, path string, out io.Writer) error {
	if err := createFile(path, config.Example(), opts.Force); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s; edit it, then `cem run %s` (it lists the files the config names that are missing, and the commands that make them)\n", path, path)
	if opts.Prompts != "" {
		return writePrompts(opts, out)
	}
	return nil
}

// createFile writes data to a new file at path; an existing file is a
// usage error unless force, which overwrites it.
func createFile(path string, data []byte, force bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return usagef("init: %s exists (use --force to overwrite)", path)
	}
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("init: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("init: %s: %w", path, err)
	}
	return nil
}

// writePrompts writes the built-in prompt templates into opts.Prompts,
// refusing to replace existing files unless opts.Force.
func writePrompts(opts initOptions, out io.Writer) error {
	if err := os.MkdirAll(opts.Prompts, 0o755); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	for _, f := range []struct{ name, text string }{
		{"extract.tmpl", mistake.DefaultTemplate}, {"write.tmpl", trainset.DefaultWriterTemplate},
		{"paraphrase.tmpl", trainset.DefaultParaphraseTemplate},
	} {
		path := filepath.Join(opts.Prompts, f.name)
		if err := createFile(path, []byte(f.text), opts.Force); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s\n", path)
	}
	return nil
}
