package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/store"
	"github.com/cemlab/cem/ui"
)

// uiOptions are the flags of `cem ui`.
type uiOptions struct {
	Addr     string
	Runs     string
	Index    string
	TokenEnv string
}

func newUICommand() *cobra.Command {
	var opts uiOptions
	cmd := &cobra.Command{
		Use:   "ui",
		Short: "Serve the local web dashboard over run folders (runs, one run live, items, review queue)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runUI(cmd.Context(), opts, cmd.OutOrStdout(), nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8765", "address to listen on (loopback only)")
	f.StringVar(&opts.Runs, "runs", "runs", "folder whose subfolders are run folders")
	f.StringVar(&opts.Index, "index", "", "list the runs of this SQLite run index instead of --runs")
	f.StringVar(&opts.TokenEnv, "token-env", "", "read the action token from this environment variable (default: a fresh token, printed)")
	return cmd
}

// runUI serves the dashboard until ctx ends; ready, when not nil,
// receives the listening address once the server accepts connections.
func runUI(ctx context.Context, opts uiOptions, out io.Writer, ready chan<- string) error {
	var catalog ui.Catalog = ui.FolderCatalog{Root: opts.Runs}
	if opts.Index != "" {
		if _, err := os.Stat(opts.Index); err != nil {
			return usagef("--index %s: %w", opts.Index, err)
		}
		db, err := store.Open(ctx, opts.Index)
		if err != nil {
			return usageError{err}
		}
		defer db.Close()
		catalog = ui.IndexCatalog{DB: db}
	} else if st, err := os.Stat(opts.Runs); err != nil || !st.IsDir() {
		return usagef("--runs %s: not a folder (give the folder `cem run` writes run folders into)", opts.Runs)
	}
	token := ""
	if opts.TokenEnv != "" {
		if token = os.Getenv(opts.TokenEnv); len(token) < 16 {
			return usagef("--token-env %s: the variable holds %d characters; want a token of at least 16", opts.TokenEnv, len(token))
		}
	} else {
		var err error
		if token, err = ui.NewToken(); err != nil {
			return err
		}
	}
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return usagef("--addr %s: %w", opts.Addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("--addr %s: the dashboard listens on a loopback address only (127.0.0.1, ::1, localhost)", opts.Addr)
	}
	srv, err := ui.New(ui.Options{Catalog: catalog, Reviewer: ui.RunReview{}, Token: token, Log: slog.Default()})
	if err != nil {
		return usageError{err}
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("cem ui: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "cem ui: http://%s/\n", ln.Addr())
	if opts.TokenEnv == "" {
		fmt.Fprintf(out, "action token (approve/reject): %s\n", token)
	} else {
		fmt.Fprintf(out, "action token: from $%s\n", opts.TokenEnv)
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("cem ui: %w", err)
	}
	return nil
}
