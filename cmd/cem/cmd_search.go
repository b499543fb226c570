package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/internal/jsonl"
	"github.com/cemlab/cem/knowledge"
)

// searchOptions are the flags of `cem search`.
type searchOptions struct {
	Dir        string
	Index      string
	K          int
	Sources    []string
	K1, B      float64
	TitleBoost float64
	JSON       bool
	Width      int
}

func newSearchCommand() *cobra.Command {
	var opts searchOptions
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Search the knowledge index and print the best passages",
		Example: `  cem search "capital of Chad"
  cem search -k 5 --source wordnet,elements "noble gas"`,
		Args: cobra.ExactArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.K < 1 {
				return usagef("search: -k must be at least 1, got %d", opts.K)
			}
			if strings.TrimSpace(args[0]) == "" {
				return usagef("search: empty query")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSearch(cmd.Context(), opts, args[0], cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dir, "dir", "", "data root whose index to use (default $CEM_DATA or <user cache>/cem/data/root)")
	f.StringVar(&opts.Index, "index", "", "index file (default <data root>/../index/bm25.idx)")
	f.IntVarP(&opts.K, "k", "k", 10, "number of passages to print")
	f.StringSliceVar(&opts.Sources, "source", nil, "only passages from these sources (repeat or comma-separate)")
	f.Float64Var(&opts.K1, "k1", 1.2, "BM25 k1")
	f.Float64Var(&opts.B, "b", 0.75, "BM25 b")
	f.Float64Var(&opts.TitleBoost, "title-boost", 2, "weight of a title term against a text term")
	f.BoolVar(&opts.JSON, "json", false, "print hits as JSON Lines")
	f.IntVar(&opts.Width, "width", 160, "snippet width in bytes")
	return cmd
}

// runSearch opens the index and prints the hits for query.
func runSearch(ctx context.Context, opts searchOptions, query string, out io.Writer) error {
	path := opts.Index
	if path == "" {
		var err error
		if path, err = defaultIndexPath(opts.Dir); err != nil {
			return err
		}
	}
	ix, err := knowledge.Open(path, knowledge.Options{K1: opts.K1, B: opts.B, TitleBoost: opts.TitleBoost})
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (looked for %s)", errNoIndex, path)
	}
	if err != nil {
		return err
	}
	for _, s := range opts.Sources {
		if !slices.Contains(ix.Sources(), s) {
			return usagef("search: unknown source %q; the index holds %s", s, strings.Join(ix.Sources(), ", "))
		}
	}
	hits, err := ix.Search(ctx, knowledge.Query{Text: query, Sources: opts.Sources}, opts.K)
	if err != nil {
		return err
	}
	if opts.JSON {
		return jsonl.Encode(out, hits)
	}
	if len(hits) == 0 {
		fmt.Fprintln(out, "no passages match")
		return nil
	}
	for i, h := range hits {
		fmt.Fprintf(out, "%2d. %7.3f  %-8s %s  %s\n    %s\n", i+1, h.Score, h.Source, h.ID, h.Title,
			knowledge.Snippet(h.Text, query, opts.Width))
	}
	return nil
}
