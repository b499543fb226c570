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
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/loop/stages"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/store"
	"github.com/cemlab/cem/trainset"
)

// runOptions are the flags of `cem run`.
type runOptions struct {
	Out    string // run folder
	Rounds int    // overrides the config's rounds when > 0
	Index  string // SQLite index; "" means <run>/../runs.sqlite
	Force  bool   // take over a run folder holding another config's run
}

func (o *runOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Out, "out", "o", "", "run folder (default runs/<config name>)")
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
			return runRun(cmd.Context(), opts, args[0], cmd.OutOrStdout())
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// runRun loads the config, suites and index, runs the rounds and prints
// the per-round table.
func runRun(ctx context.Context, opts runOptions, path string, out io.Writer) error {
	cfg, err := config.Load(path)
	if err != nil {
		return usageError{err}
	}
	if opts.Rounds > 0 {
		cfg.Rounds = opts.Rounds
	}
	if opts.Out == "" {
		opts.Out = filepath.Join("runs", cfg.Name)
	}
	var suites []loop.Suite
	for _, sc := range cfg.Suites {
		s, err := exam.ReadSuite(sc.Path)
		if err != nil {
			return usageError{err}
		}
		suites = append(suites, loop.Suite{Name: sc.Name, Role: sc.Role, Items: s.Items})
	}
	if cfg.Sources.Index == "" {
		return usagef("%s: sources.index: no index; build one with `cem index build`", path)
	}
	ix, err := knowledge.Open(cfg.Sources.Index, knowledge.Options{})
	if err != nil {
		return usageError{fmt.Errorf("%s: sources.index: %w (build it with `cem index build`)", path, err)}
	}
	var general []model.Example
	if cfg.Mix.GeneralExamples != "" {
		if general, err = trainset.ReadExamples(cfg.Mix.GeneralExamples); err != nil {
			return usageError{fmt.Errorf("%s: mix.general_examples: %w", path, err)}
		}
	}
	pr := newPrinter(out)
	st, err := stages.New(stages.Options{Config: cfg, Source: ix, Suites: suites, General: general, TrainProgress: pr.trainStep})
	if err != nil {
		return err
	}
	if opts.Index == "" {
		opts.Index = filepath.Join(filepath.Dir(filepath.Clean(opts.Out)), "runs.sqlite")
	}
	db, err := store.Open(ctx, opts.Index)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	sum, err := loop.Run(ctx, loop.Options{Dir: opts.Out, Config: cfg, Suites: suites, Base: stages.BaseRef(cfg.Model),
		Stages: st, Observer: wrapObserver(pr), Index: loop.StoreIndex{DB: db}, Force: opts.Force})
	pr.finish()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(out, "interrupted; run the same command again to resume from %s\n", opts.Out)
		}
		return err
	}
	fmt.Fprintln(out)
	if err := report.Table(out, sum); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nrun folder %s (%s); `cem report %s` writes the HTML report\n", opts.Out, time.Since(start).Round(time.Second), opts.Out)
	return nil
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
func roundLine(m *loop.RoundMetrics) string {
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

// trainStep shows a training step.
func (p *printer) trainStep(step, steps int, loss float64) {
	p.progressNamed("train", step, steps, loss)
}

func (p *printer) progressNamed(what string, step, steps int, loss float64) {
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
