package demo

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/rundir"
)

// WriteTable prints a run's per-round table: every suite's accuracy with
// its Wilson 95 % interval and its change since round 0, the gate's
// verdict, mined items, the share of them fixed, forgetting on the
// general suites' test and dev halves (as report.Table) and training
// tokens; then McNemar against round 0 and
// the probe suites' parts (report.WriteProbes: each probe kind, mined
// and not, each familiarity, interference's loss with its ceiling).
func WriteTable(w io.Writer, s *rundir.Summary) error {
	if err := writeScoring(w, s); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"round", "gate"}
	if len(s.Rounds) > 0 {
		for _, sm := range s.Rounds[0].Suites {
			head = append(head, fmt.Sprintf("%s (n=%d)", sm.Name, sm.Acc.N))
		}
	}
	head = append(head, "mined", "fixed", "forget test", "forget dev", "tokens (loss-bearing)")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, m := range s.Rounds {
		row := []string{fmt.Sprint(m.Round), "base"}
		if m.Round > 0 {
			row[1] = "accepted"
			if !m.Gate.Accepted {
				row[1] = "ROLLED BACK"
			}
		}
		for _, sm := range m.Suites {
			row = append(row, cell(sm.Acc, sm.Gain, m.Round))
		}
		if m.Round == 0 {
			row = append(row, "-", "-", "-", "-", "-")
		} else {
			tokens, loss := 0, 0
			for _, v := range m.Tokens {
				tokens += v
			}
			for _, v := range m.LossTokens {
				loss += v
			}
			row = append(row, fmt.Sprint(m.Mined), fmt.Sprintf("%.0f%%", 100*m.Targeted.P),
				fmt.Sprintf("%.1f", m.ReportedForgetting()), fmt.Sprintf("%.1f", m.Gate.Forgetting), fmt.Sprintf("%d (%d)", tokens, loss))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := writeSignificance(w, s); err != nil {
		return err
	}
	return report.WriteProbes(w, s)
}

// writeScoring prints the run's scoring and each suite's chance level.
func writeScoring(w io.Writer, s *rundir.Summary) error {
	scoring := s.Scoring
	if scoring == "" {
		scoring = "mean (not recorded)"
	}
	var chance []string
	if len(s.Rounds) > 0 {
		for _, sm := range s.Rounds[0].Suites {
			chance = append(chance, fmt.Sprintf("%s %.1f%%", sm.Name, 100*sm.Chance))
		}
	}
	_, err := fmt.Fprintf(w, "scoring: %s; chance: %s\n", scoring, strings.Join(chance, ", "))
	return err
}

// writeSignificance prints, for the last accepted round, each suite's
// gain over round 0 with McNemar's p against round 0 (not only against
// the round before).
func writeSignificance(w io.Writer, s *rundir.Summary) error {
	m, ok := lastAccepted(s)
	if !ok {
		return nil
	}
	var parts []string
	for _, sm := range m.Suites {
		if sm.McNemarBase == nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %+.1f (p=%.2g)", sm.Name, sm.Gain, sm.McNemarBase.P))
	}
	_, err := fmt.Fprintf(w, "round %d vs round 0 (McNemar): %s; forgetting on general-test %.1f\n", m.Round, strings.Join(parts, ", "), m.ForgettingTest)
	return err
}

// cell is "acc [low-high]" in percent, with "(gain)" after round 0.
func cell(acc metrics.Interval, gain float64, round int) string {
	c := fmt.Sprintf("%.1f [%.0f-%.0f]", 100*acc.P, 100*acc.Low, 100*acc.High)
	if round > 0 {
		c += fmt.Sprintf(" (%+.1f)", gain)
	}
	return c
}

// WriteEfficiency prints the data-efficiency points: series, point,
// loss-bearing tokens trained and the final gain of each suite (the last
// round candidate's in brackets).
func WriteEfficiency(w io.Writer, points []report.EfficiencyPoint) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	suites := []string{"exam", "heldout", "ood", "general"}
	fmt.Fprintln(tw, "run\tloss-bearing tokens\t"+strings.Join(suites, " gain\t")+" gain\t")
	for _, p := range points {
		line := []string{p.Series + " " + p.Label, fmt.Sprint(p.LossTokens)}
		for _, s := range suites {
			line = append(line, fmt.Sprintf("%+.1f (%+.1f)", p.Gains[s], p.Last[s]))
		}
		fmt.Fprintln(tw, strings.Join(line, "\t")+"\t")
	}
	return tw.Flush()
}
