package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/demodata"
)

// dataOptions are the flags of `cem data`.
type dataOptions struct {
	Dir    string // data root; "" means demodata.Root()
	From   string // copy from an existing system install instead of apt-get
	DebDir string // folder for .deb files
	Force  bool
	// NoFactbook skips the Factbook; FactbookURL overrides its archive.
	NoFactbook  bool
	FactbookURL string
}

func (o *dataOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.Dir, "dir", "", "data root (default $CEM_DATA or <user cache>/cem/data/root)")
}

func newDataCommand() *cobra.Command {
	var opts dataOptions
	data := &cobra.Command{
		Use:   "data",
		Short: "Fetch and inspect the demo data (WordNet, GCIDE, FOLDOC, elements, bsdgames quiz, the Factbook)",
	}
	fetch := &cobra.Command{
		Use:   "fetch",
		Short: "Download (apt-get) and unpack (dpkg-deb) the demo packages into the data root, and get the Factbook; idempotent",
		Long: `Download the demo's Debian packages with apt-get and unpack them into the data
root (or copy them from an install with --from), then get the CIA World
Factbook: from its public upstream (factbook/factbook.json at a pinned
revision, checked by the SHA-256 of its content) into <root>/factbook, or,
where the upstream is not reachable, from $CEM_FACTBOOK or
../shared/data/factbook. It says which, or that the Factbook is absent and
what the demo loses without it. Running it again does nothing new.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDataFetch(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	opts.addFlags(fetch)
	fetch.Flags().StringVar(&opts.From, "from", "", "copy the files from this system install root (e.g. /) instead of downloading")
	fetch.Flags().StringVar(&opts.DebDir, "debs", "", "folder for downloaded .deb files; .debs already there are used (default <dir>/../debs)")
	fetch.Flags().BoolVar(&opts.Force, "force", false, "fetch again even when the manifest matches")
	fetch.Flags().BoolVar(&opts.NoFactbook, "no-factbook", false, "do not get the Factbook")
	fetch.Flags().StringVar(&opts.FactbookURL, "factbook-url", "", "the Factbook archive to download (default the pinned upstream, "+demodata.FactbookURL+"); its content must still match the pinned sha256")
	status := &cobra.Command{
		Use:   "status",
		Short: "Show where the demo data is and whether it is complete",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDataStatus(opts, cmd.OutOrStdout())
		},
	}
	opts.addFlags(status)
	data.AddCommand(fetch, status)
	return data
}

// runDataFetch fetches the demo data and prints progress lines to out.
func runDataFetch(ctx context.Context, opts dataOptions, out io.Writer) error {
	m, err := demodata.Fetch(ctx, demodata.Options{
		Dir:    opts.Dir,
		From:   opts.From,
		DebDir: opts.DebDir,
		Force:  opts.Force,
		Log:    newLogger(func(line string) { fmt.Fprintln(out, line) }),
	})
	if err != nil {
		return err
	}
	for _, p := range m.Packages {
		fmt.Fprintf(out, "  %-14s %-18s %d files\n", p.Name, p.Version, len(p.Files))
	}
	if opts.NoFactbook {
		return nil
	}
	fmt.Fprintln(out, "factbook: fetching "+cmp.Or(opts.FactbookURL, demodata.FactbookURL))
	fb, err := demodata.FetchFactbook(ctx, demodata.FactbookOptions{Dir: opts.Dir, URL: opts.FactbookURL, Force: opts.Force})
	if err != nil {
		return fmt.Errorf("factbook: %w", err)
	}
	if fb.From == demodata.FactbookAbsent {
		fmt.Fprintln(out, "WARNING: "+fb.String())
		return nil
	}
	fmt.Fprintln(out, fb.String())
	return nil
}

// runDataStatus prints the data root, the manifest and the Factbook folder.
func runDataStatus(opts dataOptions, out io.Writer) error {
	paths, err := dataPaths(opts.Dir)
	if err != nil {
		return err
	}
	root := paths.Root
	fmt.Fprintf(out, "data root: %s\n", root)
	if err := paths.Check(); err != nil {
		fmt.Fprintf(out, "status:    incomplete: %v\n", err)
	} else {
		fmt.Fprintln(out, "status:    complete")
	}
	if m, err := demodata.ReadManifest(paths.Manifest()); err != nil {
		fmt.Fprintf(out, "manifest:  none (%v)\n", err)
	} else {
		state := "matches the files"
		if err := m.Verify(root, demodata.Packages()); err != nil {
			state = "stale: " + err.Error()
		}
		fmt.Fprintf(out, "manifest:  %s, method %s, %s\n", paths.Manifest(), m.Method, state)
		for _, p := range m.Packages {
			fmt.Fprintf(out, "  %-14s %-18s %d files\n", p.Name, p.Version, len(p.Files))
		}
	}
	if fb, err := demodata.FindFactbook(); err != nil {
		fmt.Fprintf(out, "factbook:  unreadable: %v\n", err)
	} else {
		fmt.Fprintln(out, strings.Replace(fb.String(), "factbook: ", "factbook:  ", 1))
	}
	fmt.Fprintf(out, "index dir: %s\n", paths.IndexDir())
	return nil
}
