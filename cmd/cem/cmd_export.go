package main

import (
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/rundir"
	"github.com/cemlab/cem/trainset/export"
)

// exportOptions are the flags of `cem export`.
type exportOptions struct {
	Round     int
	Format    string
	Out       string
	BaseModel string
	OutputDir string
	Seed      int64
	Epochs    float64
	CutoffLen int
	Template  string
}

func newExportCommand() *cobra.Command {
	var opts exportOptions
	cmd := &cobra.Command{
		Use:   "export RUN --round R --format llamafactory|axolotl|trl|openai",
		Short: "Export a round's training set for LLaMA-Factory, axolotl, TRL or the OpenAI fine-tuning API",
		Long: `Export reads RUN/round-R/trainset.jsonl (and its manifest) and writes the
files the chosen trainer reads, with the trainer's own config beside them,
to --out (default RUN/round-R/export/FORMAT). Loss masks and the mix carry
over: CPT and replay text trains on every token, instruction examples on
the response only, and every example appears once. export.json in the
output lists the files, counts per kind and anything the format cannot
express.`,
		Args: cobra.ExactArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if _, err := export.ParseFormat(opts.Format); err != nil {
				return usageError{fmt.Errorf("export: %w", err)}
			}
			if opts.Round < 0 {
				return usagef("export: --round = %d; want 0 or more", opts.Round)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(args[0], opts, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Round, "round", 0, "round whose training set to export")
	f.StringVar(&opts.Format, "format", "", "llamafactory, axolotl, trl or openai (required)")
	f.StringVar(&opts.Out, "out", "", "output folder (default RUN/round-R/export/FORMAT); replaced as a whole")
	f.StringVar(&opts.BaseModel, "base-model", "", "model the trainer starts from, written into its config (default a BASE_MODEL placeholder)")
	f.StringVar(&opts.OutputDir, "output-dir", "", "trainer output folder written into its config (default OUT/output)")
	f.Int64Var(&opts.Seed, "seed", 0, "trainer seed written into its config (default the training set's seed)")
	f.Float64Var(&opts.Epochs, "epochs", 1, "epochs written into the trainer config")
	f.IntVar(&opts.CutoffLen, "cutoff-len", 2048, "maximum sequence length written into the trainer config")
	f.StringVar(&opts.Template, "template", "default", "LLaMA-Factory chat template")
	_ = cmd.MarkFlagRequired("format")
	return cmd
}

func runExport(run string, opts exportOptions, out io.Writer) error {
	format, _ := export.ParseFormat(opts.Format) // checked in PreRunE
	examples, manifest, err := rundir.ReadTrainset(run, opts.Round)
	if err != nil {
		return usageError{err}
	}
	seed := opts.Seed
	if seed == 0 && manifest != nil {
		seed = manifest.Seed
	}
	dir := opts.Out
	if dir == "" {
		dir = rundir.ExportDir(run, opts.Round, string(format))
	}
	res, err := export.Write(dir, format, examples, export.Options{
		BaseModel: opts.BaseModel, OutputDir: opts.OutputDir, Round: opts.Round, Seed: seed,
		Epochs: opts.Epochs, CutoffLen: opts.CutoffLen, Template: opts.Template,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "exported %d examples of round %d as %s to %s\n", len(examples), opts.Round, format, res.Dir)
	fmt.Fprintf(out, "config: %s\n", res.Config)
	files := make([]string, 0, len(res.Files))
	for name := range res.Files {
		files = append(files, name)
	}
	sort.Strings(files)
	for _, name := range files {
		kinds := make([]string, 0, len(res.Files[name]))
		for k := range res.Files[name] {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		fmt.Fprintf(out, "  %s:", name)
		for _, k := range kinds {
			fmt.Fprintf(out, " %s=%d", k, res.Files[name][k])
		}
		fmt.Fprintln(out)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(out, "note: %s\n", n)
	}
	return nil
}
