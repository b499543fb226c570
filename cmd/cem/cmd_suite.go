package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/demodata"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/suitebuild"
)

// suiteBuildOptions are the flags of `cem suite build`.
type suiteBuildOptions struct {
	Out         string
	Sources     []string
	sourcesSet  bool
	MC          int
	KeepOpen    bool
	Split       string
	Probes      bool
	Seed        uint64
	DataRoot    string
	FactbookDir string
}

func (o *suiteBuildOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "folder to write <suite>.jsonl files to (created if missing)")
	f.StringSliceVar(&o.Sources, "sources", []string{suitebuild.SourceQuiz, suitebuild.SourceWordNet, suitebuild.SourceFactbook},
		"item sources: quiz, wordnet, factbook (factbook is skipped when absent unless named)")
	f.IntVar(&o.MC, "mc", 0, "turn open items into multiple choice with this many choices (0: keep open)")
	f.BoolVar(&o.KeepOpen, "keep-open", false, "with --mc, keep the open items too")
	f.StringVar(&o.Split, "split", "", `split into suites: by fact "exam=0.8,heldout=0.2" or by variant "exam=forward,heldout=reverse" (default: one suite "exam")`)
	f.BoolVar(&o.Probes, "probes", false, `with a variant split, make the second suite probes of the first's facts: reverse probes and a paraphrase probe per fact`)
	f.Uint64Var(&o.Seed, "seed", 1, "seed for distractors and splits")
	f.StringVar(&o.DataRoot, "data", "", "demo data root (default $CEM_DATA or <user cache>/cem/data/root)")
	f.StringVar(&o.FactbookDir, "factbook", "", "Factbook folder (default $CEM_FACTBOOK or ../shared/data/factbook)")
}

func newSuiteCommand() *cobra.Command {
	suite := &cobra.Command{
		Use:   "suite",
		Short: "Build and inspect exam suites",
	}
	var bo suiteBuildOptions
	build := &cobra.Command{
		Use:   "build --out DIR",
		Short: "Build exam suites from the bsdgames quiz files, WordNet and the Factbook",
		Args:  cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if bo.Out == "" {
				return usagef("suite build: --out is required")
			}
			if bo.MC == 1 || bo.MC < 0 {
				return usagef("suite build: --mc must be 0 or at least 2, got %d", bo.MC)
			}
			bo.sourcesSet = cmd.Flags().Changed("sources")
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSuiteBuild(bo, cmd.OutOrStdout())
		},
	}
	bo.addFlags(build)
	stats := &cobra.Command{
		Use:   "stats DIR|FILE...",
		Short: "Count the items of suites by topic (a suite file, or every .jsonl in a folder)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSuiteStats(args, cmd.OutOrStdout())
		},
	}
	suite.AddCommand(build, stats)
	return suite
}

// runSuiteBuild builds the suites and writes one file per suite.
func runSuiteBuild(o suiteBuildOptions, out io.Writer) error {
	bo := suitebuild.BuildOptions{MC: o.MC, KeepOpen: o.KeepOpen, Probes: o.Probes, Seed: o.Seed}
	var err error
	if o.Split != "" {
		if bo.Split, bo.Variants, err = suitebuild.ParseSplitSpec(o.Split); err != nil {
			return usageError{err}
		}
	}
	if o.Probes && bo.Variants[1] == "" {
		return usagef("suite build: --probes needs a variant split, e.g. --split exam=forward,heldout=reverse")
	}
	root := o.DataRoot
	if root == "" {
		if root, err = demodata.Root(); err != nil {
			return err
		}
	}
	paths := demodata.NewPaths(root)
	bo.QuizDir, bo.WordNetDir = paths.QuizDir(), paths.WordNetDir()
	for _, s := range o.Sources {
		if s != suitebuild.SourceFactbook {
			bo.Sources = append(bo.Sources, s)
			continue
		}
		dir := o.FactbookDir
		if dir == "" {
			dir, err = demodata.FactbookDir()
		}
		if errors.Is(err, demodata.ErrNoData) && !o.sourcesSet {
			fmt.Fprintf(out, "skipping factbook: %v\n", err)
			continue
		}
		if err != nil {
			return err
		}
		bo.FactbookDir = dir
		bo.Sources = append(bo.Sources, s)
	}
	suites, err := suitebuild.BuildSuites(bo)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	for _, n := range slices.Sorted(maps.Keys(suites)) {
		path := filepath.Join(o.Out, n+exam.SuiteExt)
		if err := exam.WriteSuite(path, suites[n]); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s: %d items\n", path, len(suites[n]))
	}
	return nil
}

// runSuiteStats reads suite files (folders expand to their .jsonl files)
// and prints a table of counts.
func runSuiteStats(args []string, out io.Writer) error {
	var files []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return usageError{err}
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		found, err := filepath.Glob(filepath.Join(a, "*"+exam.SuiteExt))
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return usagef("suite stats: no %s files in %s", exam.SuiteExt, a)
		}
		files = append(files, found...)
	}
	slices.Sort(files)
	var suites []*exam.Suite
	for _, f := range files {
		s, err := exam.ReadSuite(f)
		if err != nil {
			return usageError{err}
		}
		suites = append(suites, s)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SUITE\tTOPIC\tITEMS\tOPEN\tMC\tFACTS\tFORWARD\tOTHER\t")
	for _, r := range exam.Stats(suites) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n",
			r.Suite, strings.TrimSpace(r.Topic), r.Items, r.Open, r.Choice, r.Facts, r.Forward, r.Other)
	}
	return tw.Flush()
}
