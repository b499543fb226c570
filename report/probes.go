package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/rundir"
)

// ProbeRow is one part of a probe suite (rundir.PartMetrics) over the
// rounds: Cells[i] is round i's cell, "-" where the round has no such
// part (a mined part at round 0, a round not run).
type ProbeRow struct {
	Suite, Part string
	Cells       []string
}

// ProbeRows lists the parts of every probe suite of s, in the order of
// the latest round that has them; a cell is "acc [low-high]" in percent,
// after round 0 with "(gain, p=McNemar vs round 0)", and for
// interference "lost L, ceiling C" (the loss and its 95 % ceiling, never
// a gain). Nil when no suite has probes.
func ProbeRows(s *rundir.Summary) []ProbeRow {
	var rows []ProbeRow
	at := map[string]int{}
	// The latest round has every part (mined ones appear after round 0),
	// so its order is the rows' order.
	for i := len(s.Rounds) - 1; i >= 0; i-- {
		for _, sm := range s.Rounds[i].Suites {
			for _, p := range sm.Parts {
				key := sm.Name + "\x00" + p.Name
				if _, ok := at[key]; !ok {
					at[key] = len(rows)
					cells := make([]string, len(s.Rounds))
					for k := range cells {
						cells[k] = "-"
					}
					rows = append(rows, ProbeRow{Suite: sm.Name, Part: p.Name, Cells: cells})
				}
			}
		}
	}
	for i, m := range s.Rounds {
		for _, sm := range m.Suites {
			for _, p := range sm.Parts {
				rows[at[sm.Name+"\x00"+p.Name]].Cells[i] = probeCell(m.Round, p)
			}
		}
	}
	return rows
}

// probeCell formats one part at one round (see ProbeRows).
func probeCell(round int, p rundir.PartMetrics) string {
	c := fmt.Sprintf("%.1f [%.0f-%.0f]", 100*p.Acc.P, 100*p.Acc.Low, 100*p.Acc.High)
	if round == 0 || p.McNemarBase == nil {
		return c
	}
	if p.Probe == exam.ProbeInterference {
		return c + fmt.Sprintf(" (lost %.1f, ceiling %.1f)", max(0, -p.Gain), p.MaxLoss)
	}
	return c + fmt.Sprintf(" (%+.1f, p=%.2g)", p.Gain, p.McNemarBase.P)
}

// WriteProbes prints ProbeRows as a table, one row per part and one
// column per round, under a line naming what the parts are; it prints
// nothing when no suite has probes.
func WriteProbes(w io.Writer, s *rundir.Summary) error {
	rows := ProbeRows(s)
	if len(rows) == 0 {
		return nil
	}
	if _, err := fmt.Fprintln(w, "probes (accuracy % [95% Wilson], change since round 0 on the same items and McNemar p vs round 0;\n"+
		"mined = about facts mined so far; interference = facts taught nowhere, its loss with a 95% ceiling):"); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"suite", "part"}
	for _, m := range s.Rounds {
		head = append(head, fmt.Sprintf("round %d", m.Round))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(append([]string{r.Suite, r.Part}, r.Cells...), "\t")+"\t")
	}
	return tw.Flush()
}
