package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/atomicfile"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
	"github.com/cemlab/cem/workers"
)

// neededInput reports whether the run needs the file of f: an exam-only
// run (rounds: 0) needs only the model and the suites.
func neededInput(cfg *config.Config, f config.PathField) bool {
	if !cfg.ExamOnly() {
		return true
	}
	return f.Kind == config.PathModel && f.Key == "model.path" || f.Kind == config.PathArtifact || f.Kind == config.PathSuite
}

// checkExamMode rejects a letter or generate exam mode on a suite holding
// open questions (they have no letters), naming the key and the item.
func checkExamMode(cfg *config.Config, suites []loop.Suite) error {
	if cfg.Exam.Mode != config.ExamLetter && cfg.Exam.Mode != config.ExamGenerate {
		return nil
	}
	for i, s := range suites {
		for _, it := range s.Items {
			if it.Answer.IsOpen() {
				where := cfg.Where("exam.mode")
				if where != "" {
					where += ": "
				}
				return fmt.Errorf("%sexam.mode: %s mode needs multiple-choice items, but suites[%d] (%s) item %s is an open question; "+
					"use mode auto or likelihood, or a suite of multiple-choice items", where, cfg.Exam.Mode, i, s.Name, it.ID)
			}
		}
	}
	return nil
}

type examOptions struct {
	Out string // results file (JSON Lines of rundir.Answer); "" writes none
}

func newExamCommand() *cobra.Command {
	var opts examOptions
	cmd := &cobra.Command{
		Use:   "exam CONFIG",
		Short: "Examine the configuration's model on its suites (any backend) and print the per-suite table",
		Long: `Examine the model CONFIG names (a native checkpoint, or a model behind an
OpenAI-compatible server) on every suite of CONFIG, with CONFIG's exam
settings, and print accuracy, how the items were answered and what the
server was asked. Needs only the model and the suites: no index, no trainer.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExam(cmd.Context(), opts, args[0], cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "also write every graded item to this JSON Lines file")
	return cmd
}

// runExam examines the config's model on its suites.
func runExam(ctx context.Context, opts examOptions, path string, out io.Writer) error {
	cfg, err := config.Load(path)
	if err != nil {
		return usageError{err}
	}
	cfg.Rounds = 0
	if err := checkInputs(cfg); err != nil {
		return usageError{err}
	}
	suites, err := readSuites(cfg, cfg.Exam.Limit)
	if err != nil {
		return err
	}
	pr := newPrinter(out)
	st, err := workers.New(workers.Options{Config: cfg, Log: newLogger(pr.line)})
	if err != nil {
		return err
	}
	m, err := st.Opener.Open(ctx, workers.BaseRef(cfg.Model))
	if err != nil {
		return fmt.Errorf("open model: %w", err)
	}
	if c, ok := m.(io.Closer); ok {
		defer c.Close()
	}
	var all []rundir.Answer
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "suite\trole\titems\taccuracy\t95% CI\tanswered by\tfailed")
	for _, s := range suites {
		as, err := st.Examiner.Exam(ctx, m, s, progress.Named(pr, "exam "+s.Name))
		pr.finish()
		if err != nil {
			return fmt.Errorf("suite %s: %w", s.Name, err)
		}
		o := metrics.Outcomes{}
		modes := map[string]int{}
		failed := 0
		for i := range as {
			as[i].Suite = s.Name
			o[as[i].ID] = as[i].Correct
			modes[as[i].Mode]++
			if as[i].Error != "" {
				failed++
			}
		}
		all = append(all, as...)
		acc := metrics.Accuracy(o)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%.1f-%.1f\t%s\t%d\n", s.Name, s.Role, len(as), 100*acc.P, 100*acc.Low, 100*acc.High,
			modeCell(modes), failed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if st.Meter != nil {
		u := model.TotalUsage(st.Meter.Usage())
		fmt.Fprintf(out, "requests %d (retries %d, failures %d, cache hits %d), tokens %d\n",
			u.Requests, u.Retries, u.Failures, u.CacheHits, u.PromptTokens+u.CompletionTokens)
	}
	if opts.Out != "" {
		if err := writeAnswers(opts.Out, all); err != nil {
			return err
		}
		fmt.Fprintf(out, "graded items in %s\n", shownPath(filepath.Clean(opts.Out)))
	}
	return nil
}

// modeCell lists answering modes with their counts, most frequent first.
func modeCell(modes map[string]int) string {
	var parts []string
	for len(modes) > 0 {
		best := ""
		for k, n := range modes {
			if best == "" || n > modes[best] || n == modes[best] && k < best {
				best = k
			}
		}
		parts = append(parts, fmt.Sprintf("%s %d", best, modes[best]))
		delete(modes, best)
	}
	return strings.Join(parts, ", ")
}

// writeAnswers writes graded items as JSON Lines, atomically.
func writeAnswers(path string, as []rundir.Answer) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		for _, a := range as {
			if err := enc.Encode(a); err != nil {
				return err
			}
		}
		return nil
	}, 0o644)
}

// readSuites reads the config's suites, keeping the first limit items of
// each (limit > 0), and checks that the exam mode can answer them; errors
// are usage errors naming the suite's key and line.
func readSuites(cfg *config.Config, limit int) ([]loop.Suite, error) {
	var suites []loop.Suite
	for i, sc := range cfg.Suites {
		s, err := exam.ReadSuite(sc.Path)
		if err != nil {
			return nil, usageError{inputError(cfg, config.PathField{Key: fmt.Sprintf("suites[%d].path", i), Label: sc.Name}, err)}
		}
		items := s.Items
		if limit > 0 && len(items) > limit {
			items = items[:limit]
		}
		suites = append(suites, loop.Suite{Name: sc.Name, Role: sc.Role, Items: items})
	}
	if err := checkExamMode(cfg, suites); err != nil {
		return nil, usageError{err}
	}
	return suites, nil
}
