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
	"github.com/cemlab/cem/knowledge/docs"
)

// indexOptions are the flags of `cem index build`.
type indexOptions struct {
	Dir      string   // data root
	Sources  []string // demo corpora
	JSONL    []string // extra JSON Lines files
	Text     []string // extra text folders
	Docs     []string // document folders (knowledge/docs)
	DocsLic  []string // [PREFIX=]LICENCE of the document folders
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
			// A team's documents make their own index: the demo corpora
			// join them only when asked for, and the demo's index file
			// is not the default place to write it.
			if len(opts.Docs) > 0 && !cmd.Flags().Changed("sources") {
				opts.Sources = nil
				if opts.Out == "" {
					return usagef("index build --docs: give --out, the index file to write (the default is the demo corpora's index)")
				}
			}
			if len(opts.Sources) == 0 && len(opts.JSONL) == 0 && len(opts.Text) == 0 && len(opts.Docs) == 0 {
				return usagef("index build: nothing to index: give --sources, --jsonl, --text or --docs")
			}
			if _, _, err := docsLicenses(opts.DocsLic); err != nil {
				return usageError{err}
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
	f.StringArrayVar(&opts.Docs, "docs", nil, "also index this folder of documents (HTML, PDF, DOCX, Markdown, text; repeatable); "+
		"passages are named after the folder, only changed files are read again (see <out>.docs.json), skipped files are listed in <out>.docs-report.json")
	f.StringArrayVar(&opts.DocsLic, "docs-license", nil, "licence of the --docs files: LICENCE for all, PREFIX=LICENCE for a sub-folder (the longest prefix wins; repeatable)")
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
				fmt.Fprintf(out, "factbook: left out: %v\n", err)
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
	docResults, err := readDocs(ctx, opts, out)
	if err != nil {
		return err
	}
	for _, r := range docResults {
		corpora = append(corpora, &knowledge.Corpus{Name: r.Report.Source, Passages: r.Passages})
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
	if len(docResults) > 0 {
		if err := docs.WriteSidecars(opts.Out, docResults); err != nil {
			return err
		}
		fmt.Fprintf(out, "documents: manifest %s, report %s\n", docs.ManifestPath(opts.Out), docs.ReportPath(opts.Out))
	}
	fmt.Fprintf(out, "indexed %d passages, %d terms in %s (reading %s, indexing %s on %d cores)\n",
		ix.Len(), ix.Terms(), time.Since(start).Round(time.Millisecond), readTook.Round(time.Millisecond),
		buildTook.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Fprintf(out, "wrote %s (%.1f MiB); peak memory %s\n", opts.Out, float64(ix.SizeBytes())/(1<<20), peakMemory())
	return nil
}

// docsLicenses splits the --docs-license values into the default licence
// and the sub-folder prefixes' licences.
func docsLicenses(vals []string) (string, map[string]string, error) {
	def, byPrefix := "", map[string]string{}
	for _, v := range vals {
		prefix, lic, ok := strings.Cut(v, "=")
		if !ok {
			prefix, lic = "", v
		}
		if strings.TrimSpace(lic) == "" {
			return "", nil, fmt.Errorf("--docs-license %q: no licence (want LICENCE or PREFIX=LICENCE)", v)
		}
		if prefix = strings.Trim(prefix, "/"); prefix == "" {
			def = lic
		} else {
			byPrefix[prefix] = lic
		}
	}
	return def, byPrefix, nil
}

// readDocs reads the --docs folders, reusing what the last build of
// opts.Out kept of unchanged files, and prints each folder's report.
func readDocs(ctx context.Context, opts indexOptions, out io.Writer) ([]*docs.Result, error) {
	if len(opts.Docs) == 0 {
		return nil, nil
	}
	def, byPrefix, err := docsLicenses(opts.DocsLic)
	if err != nil {
		return nil, usageError{err}
	}
	prior := docs.OpenPrior(opts.Out)
	seen := map[string]string{}
	var results []*docs.Result
	for _, dir := range opts.Docs {
		name := filepath.Base(filepath.Clean(dir))
		if other, dup := seen[name]; dup {
			return nil, usagef("--docs %s and %s: both folders are named %q, which names their passages; rename one", other, dir, name)
		}
		seen[name] = dir
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, err
		}
		res, err := docs.Read(ctx, docs.Config{Dir: abs, Source: name, License: def, Licenses: byPrefix, MaxChars: opts.MaxChars}, prior.For(name))
		if err != nil {
			return nil, usageError{err}
		}
		printDocsReport(out, &res.Report)
		results = append(results, res)
	}
	return results, nil
}

// printDocsReport prints a documents folder's build report: counts, the
// skipped files with their reasons, and why nothing was reused.
func printDocsReport(out io.Writer, r *docs.Report) {
	fmt.Fprintf(out, "%-10s %7d passages  %s  (%d files: %d read, %d unchanged, %d removed, %d skipped)\n", r.Source, r.Passages,
		r.Took.Round(time.Millisecond), r.Files, r.Read, r.Reused, len(r.Removed), len(r.Skipped))
	if r.FullRead != "" {
		fmt.Fprintf(out, "           read every file: %s\n", r.FullRead)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(out, "           skipped %s\n", s)
	}
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
