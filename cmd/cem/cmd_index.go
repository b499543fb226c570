package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/demodata"
	"github.com/cemlab/cem/demodata/democorpora"
	"github.com/cemlab/cem/knowledge"
)

// indexOptions are the flags of `cem index build`.
type indexOptions struct {
	Dir      string   // data root
	Sources  []string // demo corpora
	JSONL    []string // extra JSON Lines files
	Text     []string // extra text folders
	Out      string   // index file
	Stem     bool
	MaxChars int
}

func newIndexCommand() *cobra.Command {
	var opts indexOptions
	index := &cobra.Command{
		Use:   "index",
		Short: "Build the BM25 search index over the knowledge corpora",
	}
	build := &cobra.Command{
		Use:   "build",
		Short: "Read the corpora and write the BM25 index file",
		Args:  cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if len(opts.Sources) == 0 && len(opts.JSONL) == 0 && len(opts.Text) == 0 {
				return usagef("index build: nothing to index: give --sources, --jsonl or --text")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIndexBuild(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	f := build.Flags()
	f.StringVar(&opts.Dir, "dir", "", "data root (default $CEM_DATA or <user cache>/cem/data/root)")
	f.StringSliceVar(&opts.Sources, "sources", []string{"wordnet", "gcide", "foldoc", "elements", "factbook"},
		"demo corpora to index: "+strings.Join(democorpora.Names, ",")+" (factbook is left out with a message when absent)")
	f.StringSliceVar(&opts.JSONL, "jsonl", nil, "also index these JSON Lines files (id,title,text,source,url,license)")
	f.StringSliceVar(&opts.Text, "text", nil, "also index these folders of .txt/.md files")
	f.IntVar(&opts.MaxChars, "max-chars", knowledge.DefaultMaxChars, "size cap of a passage cut from a text folder")
	f.StringVar(&opts.Out, "out", "", "index file (default <data root>/../index/bm25.idx)")
	f.BoolVar(&opts.Stem, "stem", false, "apply the light S-stemmer to terms")
	index.AddCommand(build)
	return index
}

// defaultIndexPath is where build writes and search reads by default.
func defaultIndexPath(dir string) (string, error) {
	paths, err := dataPaths(dir)
	if err != nil {
		return "", err
	}
	return indexFile(paths), nil
}

// indexFile is the default index file of a data root.
func indexFile(p demodata.Paths) string { return filepath.Join(p.IndexDir(), "bm25.idx") }

// dataPaths returns the Paths of dir, or of the default root.
func dataPaths(dir string) (demodata.Paths, error) {
	if dir != "" {
		return demodata.NewPaths(dir), nil
	}
	return demodata.DefaultPaths()
}

// runIndexBuild reads the corpora, builds the index and saves it.
func runIndexBuild(ctx context.Context, opts indexOptions, out io.Writer) error {
	paths, err := dataPaths(opts.Dir)
	if err != nil {
		return err
	}
	if opts.Out == "" {
		opts.Out = indexFile(paths)
	}
	start := time.Now()
	var sources []string
	for _, s := range opts.Sources {
		if s == "factbook" {
			if _, err := demodata.FactbookDir(); err != nil {
				fmt.Fprintf(out, "WARNING: factbook left out: %v (the index lacks the demo's second source of capitals)\n", err)
				continue
			}
		}
		sources = append(sources, s)
	}
	var corpora []*knowledge.Corpus
	if len(sources) > 0 {
		if err := paths.Check(); err != nil && slices.ContainsFunc(sources, func(s string) bool { return s != "factbook" }) {
			return err
		}
		cs, reports, err := democorpora.Load(ctx, paths, sources)
		if err != nil {
			return err
		}
		for _, r := range reports {
			printLoad(out, r.Name, r.Passages, r.Skipped, r.Took)
		}
		corpora = append(corpora, cs...)
	}
	for _, path := range opts.JSONL {
		t0 := time.Now()
		c, err := knowledge.ReadJSONLFile(path, "")
		if err != nil {
			return usageError{err}
		}
		printLoad(out, path, len(c.Passages), c.Skipped, time.Since(t0))
		corpora = append(corpora, c)
	}
	for _, dir := range opts.Text {
		t0 := time.Now()
		c, err := knowledge.ReadTextDir(ctx, dir, filepath.Base(filepath.Clean(dir)), opts.MaxChars)
		if err != nil {
			return usageError{err}
		}
		printLoad(out, dir, len(c.Passages), c.Skipped, time.Since(t0))
		corpora = append(corpora, c)
	}
	passages := knowledge.Concat(corpora)
	corpora = nil
	readTook := time.Since(start)
	t0 := time.Now()
	ix, err := knowledge.Build(ctx, passages, knowledge.Options{Stem: opts.Stem})
	if err != nil {
		return err
	}
	buildTook := time.Since(t0)
	if err := ix.Save(opts.Out); err != nil {
		return err
	}
	fmt.Fprintf(out, "indexed %d passages, %d terms in %s (reading %s, indexing %s on %d cores)\n",
		ix.Len(), ix.Terms(), time.Since(start).Round(time.Millisecond), readTook.Round(time.Millisecond),
		buildTook.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Fprintf(out, "wrote %s (%.1f MiB); peak memory %s\n", opts.Out, float64(ix.SizeBytes())/(1<<20), peakMemory())
	return nil
}

func printLoad(out io.Writer, name string, n int, skipped []knowledge.Skip, took time.Duration) {
	fmt.Fprintf(out, "%-10s %7d passages  %s\n", name, n, took.Round(time.Millisecond))
	for _, s := range skipped {
		fmt.Fprintf(out, "           skipped %s\n", s)
	}
}

// peakMemory reports the process's peak resident memory (VmHWM on Linux,
// else the Go runtime's obtained memory).
func peakMemory() string {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				return strings.TrimSpace(v) + " (VmHWM)"
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return fmt.Sprintf("%d MiB (Go runtime Sys)", ms.Sys>>20)
}

// errNoIndex says to build the index first.
var errNoIndex = errors.New("no search index; run `cem index build` first")
