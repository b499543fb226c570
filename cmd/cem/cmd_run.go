package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/report/headline"
	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"
	"github.com/cemlab/cem/store"
	"github.com/cemlab/cem/trainset"
	"github.com/cemlab/cem/workers"
)

// runOptions are the flags of `cem run`.
type runOptions struct {
	Out    string // run folder
	Rounds int    // overrides the config's rounds when > 0 or RoundsSet
	// RoundsSet: --rounds was given (so --rounds 0 makes an exam-only run).
	RoundsSet bool
	Index     string // SQLite index; "" means <run>/../runs.sqlite
	Force     bool   // take over a run folder holding another config's run
}

func (o *runOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Out, "out", "o", "", "run folder, relative to the working directory (default runs/<config name>)")
	f.IntVar(&o.Rounds, "rounds", 0, "override the number of rounds")
	f.StringVar(&o.Index, "index", "", "SQLite run index (default <run folder>/../runs.sqlite)")
	f.BoolVar(&o.Force, "force", false, "run even if the run folder holds another config's run (other name, seed, baseline, base model or suites), replacing it")
}

// wrapObserver wraps the observer of `cem run`; tests set it (the chaos
// test kills the process at a chosen stage boundary). It is the identity
// in the command.
var wrapObserver = func(o loop.Observer) loop.Observer { return o }

func newRunCommand() *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:   "run CONFIG",
		Short: "Run (or resume) the CEM rounds a configuration describes",
		Long: `Run the CEM rounds described by CONFIG (see 'cem init'). Every stage writes
its artifact under the run folder; running the same command again after an
interruption resumes where it stopped.`,
		Args: cobra.ExactArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.Rounds < 0 {
				return usagef("run: --rounds must be >= 0")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RoundsSet = cmd.Flags().Changed("rounds")
			return runRun(cmd.Context(), opts, args[0], cmd.OutOrStdout())
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// runRun loads the config, checks that every file it names exists,
// loads the suites and index, runs the rounds and prints the per-round
// table. Nothing is written before the inputs have been read.
func runRun(ctx context.Context, opts runOptions, path string, out io.Writer) error {
	cfg, err := config.Load(path)
	if err != nil {
		return usageError{err}
	}
	if opts.Rounds > 0 || opts.RoundsSet {
		cfg.Rounds = opts.Rounds
	}
	if opts.Out == "" {
		opts.Out = filepath.Join("runs", cfg.Name)
	}
	// The run folder is absolute from here on: the loop records paths
	// relative to it and resolves them against it.
	if opts.Out, err = filepath.Abs(opts.Out); err != nil {
		return err
	}
	if err := checkInputs(cfg); err != nil {
		return usageError{err}
	}
	// The loop keeps the first exam.limit items of each suite itself.
	suites, err := readSuites(cfg, 0)
	if err != nil {
		return err
	}
	var ix knowledge.Source // none for an exam-only run
	if !cfg.ExamOnly() {
		reports, err := workers.BuildDocs(ctx, cfg)
		if err != nil {
			return usageError{fmt.Errorf("%s: %w", path, err)}
		}
		for _, r := range reports {
			printDocsReport(out, r)
		}
		if ix, err = workers.OpenSources(cfg); err != nil {
			return usageError{fmt.Errorf("%s: %w", path, err)}
		}
	}
	var general []model.Example
	if cfg.Mix.GeneralExamples != "" {
		if general, err = trainset.ReadExamples(cfg.Mix.GeneralExamples); err != nil {
			return usageError{inputError(cfg, config.PathField{Key: "mix.general_examples"}, err)}
		}
	}
	pr := newPrinter(out)
	warnings := workers.MissingSources(cfg, ix)
	st, err := workers.New(workers.Options{Config: cfg, Source: ix, Suites: suites, General: general, TrainProgress: pr,
		Log: newLogger(pr.line)})
	if err != nil {
		return err
	}
	if err := checkWritable(opts.Out); err != nil {
		return usageError{err}
	}
	if opts.Index == "" {
		opts.Index = filepath.Join(filepath.Dir(opts.Out), "runs.sqlite")
	}
	db, err := store.Open(ctx, opts.Index)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	sum, err := loop.Run(ctx, loop.Options{Dir: opts.Out, Config: cfg, Suites: suites, Base: workers.BaseRef(cfg.Model),
		Workers: st, Observer: wrapObserver(pr), Index: db, Force: opts.Force, Warnings: warnings})
	pr.finish()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(out, "interrupted; run the same command again to resume from %s\n", shownPath(opts.Out))
		}
		if errors.Is(err, review.ErrAwaiting) {
			fmt.Fprintf(out, "\nthe run awaits review: `cem review %s` lists the sampled passages; decide them, then run the same command again to resume (exit status %d)\n",
				shownPath(opts.Out), exitAwaitingReview)
		}
		return err
	}
	fmt.Fprintln(out)
	if err := report.Table(out, sum); err != nil {
		return err
	}
	if err := report.WriteProbes(out, sum); err != nil {
		return err
	}
	if h, err := headline.FromRun(opts.Out); err == nil {
		fmt.Fprintf(out, "\n%s\n", h.Paragraph())
		for _, f := range h.Figures() {
			fmt.Fprintf(out, "  %s\n", f)
		}
	}
	for _, w := range warnings {
		fmt.Fprintf(out, "\nWARNING: %s\n", w)
	}
	fmt.Fprintf(out, "\nrun folder %s (%s); `cem report %s` writes the HTML report\n", shownPath(opts.Out), time.Since(start).Round(time.Second), shownPath(opts.Out))
	return nil
}

// checkInputs checks that every file the config names exists (and is a
// folder or a file as its key wants), reporting all missing ones at once,
// each with its key, line and the cem command that makes it.
func checkInputs(cfg *config.Config) error {
	var bad []string
	for _, f := range cfg.PathFields() {
		p := *f.Path
		if p == "" || f.Kind == config.PathCache || f.Kind == config.PathBuilt || !neededInput(cfg, f) {
			continue
		}
		fi, err := os.Stat(p)
		wantDir := f.Kind == config.PathModel || f.Kind == config.PathDocs
		switch {
		case err == nil && f.Kind == config.PathDocs && fi.IsDir():
			continue
		case err != nil:
			err = fmt.Errorf("%w; %s", err, makeHint(cfg, f))
		case wantDir && !fi.IsDir():
			what := "a checkpoint folder"
			if f.Kind == config.PathDocs {
				what = "a folder of documents"
			}
			err = fmt.Errorf("%s is a file; want %s (%s)", shownPath(p), what, makeHint(cfg, f))
		case f.Kind == config.PathArtifact: // a file or a folder, opaque to cem
			continue
		case !wantDir && fi.IsDir():
			err = fmt.Errorf("%s is a folder; want a file (%s)", shownPath(p), makeHint(cfg, f))
		case wantDir:
			// A checkpoint folder that is there but unreadable (or holds
			// NaN weights) is bad input too.
			if _, err = loadCheckpoint(p); err == nil {
				continue
			}
		default:
			continue
		}
		bad = append(bad, inputError(cfg, f, err).Error())
	}
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return errors.New(bad[0])
	}
	return fmt.Errorf("%d files the config names are missing or wrong:\n  %s", len(bad), strings.Join(bad, "\n  "))
}

// inputError names the config key (and line) of an input that failed.
func inputError(cfg *config.Config, f config.PathField, err error) error {
	key := f.Key
	if f.Label != "" {
		key += " (" + f.Label + ")"
	}
	if w := cfg.Where(f.Key); w != "" {
		key = w + ": " + key
	}
	return fmt.Errorf("%s: %w", key, err)
}

// makeHint says which cem command makes the file of f.
func makeHint(cfg *config.Config, f config.PathField) string {
	p := shownPath(*f.Path)
	switch f.Kind {
	case config.PathModel:
		return fmt.Sprintf("make one with `cem model new --size tiny --corpus TEXT... --out %s` (TEXT: plain-text files, a document per blank-line-separated paragraph, such as your own documents), or name a checkpoint the demo built (under its workspace's models/)", p)
	case config.PathSuite:
		return fmt.Sprintf("build it with `cem suite build --out %s --mc 4 --split %s`", shownPath(filepath.Dir(*f.Path)), suiteSplit(cfg, filepath.Dir(*f.Path)))
	case config.PathIndex:
		return fmt.Sprintf("build it with `cem index build --out %s`", p)
	case config.PathDocs:
		return fmt.Sprintf("make the folder %s and put the documents in it, or correct the key", p)
	case config.PathPrompt:
		return fmt.Sprintf("write the built-in templates with `cem init --prompts %s`", shownPath(filepath.Dir(*f.Path)))
	}
	return "write it (JSON Lines, one model.Example per line) or remove the key"
}

// suiteSplit is the --split of `cem suite build` that writes every suite
// of the config in dir, one part per suite file: equal shares, the first
// suite taking the rounding remainder.
func suiteSplit(cfg *config.Config, dir string) string {
	var names []string
	for _, s := range cfg.Suites {
		if filepath.Dir(s.Path) == dir && strings.HasSuffix(s.Path, exam.SuiteExt) {
			names = append(names, strings.TrimSuffix(filepath.Base(s.Path), exam.SuiteExt))
		}
	}
	if len(names) == 0 {
		return "exam=1"
	}
	share := 100 / len(names)
	parts := make([]string, len(names))
	for i, n := range names {
		pct := share
		if i == 0 {
			pct = 100 - share*(len(names)-1)
		}
		parts[i] = fmt.Sprintf("%s=%g", n, float64(pct)/100)
	}
	return strings.Join(parts, ",")
}

// checkWritable creates the run folder when missing and checks that
// files can be created in it.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("run folder %s: %w", shownPath(dir), err)
	}
	f, err := os.CreateTemp(dir, ".cem-write-check-*")
	if err != nil {
		return fmt.Errorf("run folder %s is not writable (%w); run into another folder with -o, or report a finished run with `cem report %s -o FILE`",
			shownPath(dir), err, shownPath(dir))
	}
	f.Close()
	return os.Remove(f.Name())
}

// shownPath is p relative to the working directory when it lies below
// it, else p: what messages print, and what commands they suggest take.
func shownPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return p
}

// printer shows a run's progress: a progress bar per stage on a terminal,
// plain lines otherwise.
type printer struct {
	out   io.Writer
	tty   bool
	bar   *progressbar.ProgressBar
	stage string
	last  time.Time
}

func newPrinter(out io.Writer) *printer {
	p := &printer{out: out}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

var _ loop.Observer = (*printer)(nil)

// Event prints one loop event.
func (p *printer) Event(e loop.Event) {
	switch e.Kind {
	case loop.StageStarted:
		p.finish()
		p.stage = fmt.Sprintf("round %d %s", e.Round, e.Stage)
		if !p.tty {
			fmt.Fprintf(p.out, "%s ...\n", p.stage)
		}
	case loop.StageProgress:
		p.progress(p.stage, e.Done, e.Total)
	case loop.StageFinished:
		p.finish()
		fmt.Fprintf(p.out, "round %d %-9s done in %s (%d records)\n", e.Round, e.Stage, e.Elapsed.Round(time.Millisecond), e.Done)
	case loop.StageSkipped:
		fmt.Fprintf(p.out, "round %d %-9s unchanged, reused\n", e.Round, e.Stage)
	case loop.RoundFinished:
		p.finish()
		fmt.Fprintln(p.out, roundLine(e.Metrics))
	case loop.Note:
		p.line(e.Msg)
	}
}

// roundLine summarises a round in one line.
func roundLine(m *rundir.RoundMetrics) string {
	var b strings.Builder
	fmt.Fprintf(&b, "round %d:", m.Round)
	for _, s := range m.Suites {
		fmt.Fprintf(&b, " %s %.1f%%", s.Name, 100*s.Acc.P)
		if m.Round > 0 {
			fmt.Fprintf(&b, " (%+.1f)", s.Gain)
		}
	}
	if m.Round > 0 {
		if m.Gate.Accepted {
			b.WriteString(" — accepted")
		} else {
			b.WriteString(" — ROLLED BACK: " + strings.Join(m.Gate.Reasons, "; "))
		}
	}
	return b.String()
}

// progress shows done of total for what.
func (p *printer) progress(what string, done, total int) {
	if p.tty {
		if p.bar == nil || p.stage != what {
			p.finish()
			p.stage = what
			p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.out), progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		}
		p.bar.Set(done)
		return
	}
	if time.Since(p.last) > 5*time.Second || done == total {
		p.last = time.Now()
		fmt.Fprintf(p.out, "%s: %d/%d\n", what, done, total)
	}
}

var _ progress.Reporter = (*printer)(nil)

// Report shows a task's progress: a training step with its loss, or done
// of total.
func (p *printer) Report(u progress.Update) {
	if u.Train {
		p.trainStep(u.Task, u.Done, u.Total, u.Loss)
		return
	}
	p.progress(u.Task, u.Done, u.Total)
}

// trainStep shows a training step.
func (p *printer) trainStep(what string, step, steps int, loss float64) {
	if p.tty {
		p.progress(what, step, steps)
		if p.bar != nil {
			p.bar.Describe(fmt.Sprintf("%s (loss %.3f)", what, loss))
		}
		return
	}
	if time.Since(p.last) > 5*time.Second || step == steps {
		p.last = time.Now()
		fmt.Fprintf(p.out, "%s: step %d/%d loss %.3f\n", what, step, steps, loss)
	}
}

// line prints a plain line, closing any bar first.
func (p *printer) line(s string) {
	p.finish()
	fmt.Fprintln(p.out, s)
}

// finish closes the current bar.
func (p *printer) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
		p.stage = ""
	}
}
