package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// Table writes the per-round table of s: for every round its gate
// decision, each suite's accuracy (with the change since round 0), the
// number of mistakes mined and the share of them fixed, forgetting
// ("forget test": RoundMetrics.ReportedForgetting; "forget dev": the
// gate's drop on the general dev half) and the tokens trained; when a metered backend (an
// OpenAI-compatible server) was used, also the round's requests, API
// tokens (prompt + completion) and cost; when a cluster trained (the
// slurm trainer), the training jobs' elapsed seconds and GPU hours; when
// a fine-tuning API trained (the openai trainer), its trained tokens.
func Table(w io.Writer, s *rundir.Summary) error {
	metered, cluster, hosted := false, false, false
	for _, m := range s.Rounds {
		u := model.TotalUsage(m.Usage)
		metered = metered || u.Requests > 0
		cluster = cluster || u.GPUHours > 0 || (u.TrainSeconds > 0 && u.TrainedTokens == 0)
		hosted = hosted || u.TrainedTokens > 0
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	var head []string
	head = append(head, "round", "gate")
	if len(s.Rounds) > 0 {
		for _, sm := range s.Rounds[0].Suites {
			head = append(head, sm.Name)
		}
	}
	head = append(head, "mined", "fixed", "forget test", "forget dev", "tokens")
	if metered {
		head = append(head, "requests", "api tokens", "cost")
	}
	if cluster {
		head = append(head, "train s", "GPU h")
	}
	if hosted && !cluster {
		head = append(head, "train s")
	}
	if hosted {
		head = append(head, "trained tok")
	}
	scored := scoredModes(s)
	if scored {
		head = append(head, "scoring")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, m := range s.Rounds {
		row := []string{fmt.Sprint(m.Round), gateWord(m)}
		for _, sm := range m.Suites {
			cell := fmt.Sprintf("%.1f", 100*sm.Acc.P)
			if m.Round > 0 {
				cell += fmt.Sprintf(" (%+.1f)", sm.Gain)
			}
			row = append(row, cell)
		}
		if m.Round == 0 {
			row = append(row, "-", "-", "-", "-", "-")
		} else {
			row = append(row, fmt.Sprint(m.Mined), pct(m.Targeted.P), fmt.Sprintf("%.1f", m.ReportedForgetting()),
				fmt.Sprintf("%.1f", m.Gate.Forgetting), fmt.Sprint(total(m.Tokens)))
		}
		if metered {
			u := model.TotalUsage(m.Usage)
			row = append(row, fmt.Sprint(u.Requests), fmt.Sprint(u.PromptTokens+u.CompletionTokens), fmt.Sprintf("%.4g", u.Cost))
		}
		if cluster {
			u := model.TotalUsage(m.Usage)
			row = append(row, fmt.Sprintf("%.0f", u.TrainSeconds), fmt.Sprintf("%.3g", u.GPUHours))
		}
		if u := model.TotalUsage(m.Usage); hosted && !cluster {
			row = append(row, fmt.Sprintf("%.0f", u.TrainSeconds))
		}
		if hosted {
			row = append(row, fmt.Sprint(model.TotalUsage(m.Usage).TrainedTokens))
		}
		if scored {
			row = append(row, modeCell(m))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}

func gateWord(m rundir.RoundMetrics) string {
	switch {
	case m.Round == 0:
		return "base"
	case m.Gate.Accepted:
		return "accepted"
	default:
		return "ROLLED BACK"
	}
}

func pct(p float64) string { return fmt.Sprintf("%.0f%%", 100*p) }

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Final returns the accuracy (0-1) of suite in the accepted trajectory's
// last row and its gain over round 0 in points; ok is false when absent.
func Final(s *rundir.Summary, suite string) (acc, gain float64, ok bool) {
	last := len(s.Matrix.Cells) - 1
	c, ok := s.Matrix.At(last, suite)
	if !ok {
		return 0, 0, false
	}
	g, _ := s.Matrix.Gain(last, suite)
	return c.P, 100 * g, true
}

// TrainedTokens sums the tokens trained by the accepted rounds, per kind.
func TrainedTokens(s *rundir.Summary) map[string]int {
	return sumAccepted(s, func(m rundir.RoundMetrics) map[string]int { return m.Tokens })
}

// TrainedLossTokens sums the loss-bearing tokens trained by the accepted
// rounds, per kind.
func TrainedLossTokens(s *rundir.Summary) map[string]int {
	return sumAccepted(s, func(m rundir.RoundMetrics) map[string]int { return m.LossTokens })
}

// sumAccepted sums per kind what of returns for each accepted round.
func sumAccepted(s *rundir.Summary, of func(rundir.RoundMetrics) map[string]int) map[string]int {
	out := map[string]int{}
	for _, m := range s.Rounds {
		if m.Round == 0 || !m.Gate.Accepted {
			continue
		}
		for k, v := range of(m) {
			out[k] += v
		}
	}
	return out
}

// Compare writes runs side by side: per suite the final accuracy of the
// accepted trajectory and its gain over round 0, then the rounds accepted
// and the tokens trained (counted, and loss-bearing).
func Compare(w io.Writer, runs []*rundir.Summary) error {
	var suites []string
	for _, s := range runs {
		for _, name := range s.Matrix.Suites {
			if !slices.Contains(suites, name) {
				suites = append(suites, name)
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"run", "mode"}
	for _, su := range suites {
		head = append(head, su, "Δ"+su)
	}
	head = append(head, "accepted", "tokens", "loss tokens")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, s := range runs {
		mode := s.Baseline
		if mode == "" {
			mode = "cem"
		}
		row := []string{s.Name, mode}
		for _, su := range suites {
			acc, gain, ok := Final(s, su)
			if !ok {
				row = append(row, "-", "-")
				continue
			}
			row = append(row, fmt.Sprintf("%.1f", 100*acc), fmt.Sprintf("%+.1f", gain))
		}
		accepted := 0
		for _, m := range s.Rounds {
			if m.Round > 0 && m.Gate.Accepted {
				accepted++
			}
		}
		row = append(row, fmt.Sprintf("%d/%d", accepted, len(s.Rounds)-1), fmt.Sprint(total(TrainedTokens(s))), fmt.Sprint(total(TrainedLossTokens(s))))
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}
