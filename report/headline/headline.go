// Package headline is the summary of a run a manager can use: what was
// fixed (plain and weighted by the items' business priority), what it
// cost, what was lost and what the gate decided, as three figures and one
// paragraph. The HTML report, `cem runs` and the end of `cem run` all
// print it from here.
package headline

import (
	"fmt"
	"strings"

	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// Headline is a run's summary.
type Headline struct {
	Run      string `json:"run"`
	Rounds   int    `json:"rounds"`
	Accepted int    `json:"accepted"`
	// Fixed of Mined wrong answers of the accepted rounds were answered
	// right after their round; the weighted figures sum the items'
	// priorities (mistake.Mistake.Priority) instead of counting.
	Fixed         int     `json:"fixed"`
	Mined         int     `json:"mined"`
	FixedWeighted float64 `json:"fixed_weighted"`
	MinedWeighted float64 `json:"mined_weighted"`
	// Cost: tokens trained, wall seconds of every stage (timings.json),
	// the metered API cost, and the API cost per fixed mistake (0 when
	// nothing was fixed).
	TrainedTokens  int     `json:"trained_tokens"`
	ComputeSeconds float64 `json:"compute_seconds"`
	APICost        float64 `json:"api_cost"`
	CostPerFix     float64 `json:"cost_per_fix"`
	// Lost: the largest forgetting on a general suite (see forgetting)
	// and the items broken over the accepted rounds.
	Forgetting float64 `json:"forgetting"`
	Broken     int     `json:"broken"`
	// Gate is the last round's decision.
	Gate string `json:"gate"`
}

// FromRun computes the headline of run folder dir.
func FromRun(dir string) (*Headline, error) {
	s, err := rundir.ReadSummary(dir)
	if err != nil {
		return nil, err
	}
	h := &Headline{Run: s.Name}
	var usage []map[string]model.Usage
	for _, m := range s.Rounds {
		if m.Round == 0 {
			continue
		}
		h.Rounds++
		usage = append(usage, m.Usage)
		h.Gate = gateText(m)
		if !m.Gate.Accepted {
			continue
		}
		h.Accepted++
		for _, n := range m.Tokens {
			h.TrainedTokens += n
		}
		h.Broken += m.Gate.Broken
		h.Forgetting = max(h.Forgetting, m.ReportedForgetting())
		if err := h.addFixes(dir, m.Round); err != nil {
			return nil, err
		}
	}
	for _, u := range usage {
		h.APICost += model.TotalUsage(u).Cost
	}
	ts, err := rundir.ReadTimings(dir)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		h.ComputeSeconds += t.Seconds
	}
	if h.Fixed > 0 {
		h.CostPerFix = h.APICost / float64(h.Fixed)
	}
	if h.Rounds == 0 {
		h.Gate = "no round trained yet"
	}
	return h, nil
}

// addFixes counts round r's mined wrong answers and those its model
// answers right.
func (h *Headline) addFixes(dir string, r int) error {
	ms, err := rundir.ReadJSONL[mistake.Mistake](rundir.Artifact(dir, r, rundir.StageMistakes))
	if err != nil {
		return err
	}
	answers, err := rundir.ReadAnswers(dir, r)
	if err != nil {
		return err
	}
	right := map[string]bool{}
	for _, a := range answers {
		right[a.Suite+"/"+a.ID] = a.Correct
	}
	for _, m := range ms {
		if m.Kind != mistake.Wrong {
			continue
		}
		p := m.Priority
		if p <= 0 {
			p = 1
		}
		h.Mined++
		h.MinedWeighted += p
		if right[m.Suite+"/"+m.Item.ID] {
			h.Fixed++
			h.FixedWeighted += p
		}
	}
	return nil
}

func gateText(m rundir.RoundMetrics) string {
	if m.Gate.Accepted {
		return fmt.Sprintf("round %d accepted", m.Round)
	}
	if len(m.Gate.Reasons) == 0 {
		return fmt.Sprintf("round %d rolled back", m.Round)
	}
	return fmt.Sprintf("round %d rolled back: %s", m.Round, strings.Join(m.Gate.Reasons, "; "))
}

// Figures are the three headline figures as short lines: fixed, cost, lost.
func (h *Headline) Figures() [3]string {
	return [3]string{
		fmt.Sprintf("mistakes fixed: %d of %d (priority-weighted %.0f%%)", h.Fixed, h.Mined, pct(h.FixedWeighted, h.MinedWeighted)),
		fmt.Sprintf("cost: %d training tokens, %.0f s compute, $%.2f API ($%.3f per fixed mistake)", h.TrainedTokens, h.ComputeSeconds, h.APICost, h.CostPerFix),
		fmt.Sprintf("lost: %.1f points of general knowledge, %d items broken", h.Forgetting, h.Broken),
	}
}

// Paragraph is the summary in plain words.
func (h *Headline) Paragraph() string {
	return fmt.Sprintf("%s: %d of %d rounds accepted. The model now answers %d of the %d questions it got wrong "+
		"(%.0f%% of them by business priority), for %d training tokens and $%.2f of API use. "+
		"It lost %.1f points on general knowledge and broke %d answers. Gate: %s.",
		h.Run, h.Accepted, h.Rounds, h.Fixed, h.Mined, pct(h.FixedWeighted, h.MinedWeighted),
		h.TrainedTokens, h.APICost, h.Forgetting, h.Broken, h.Gate)
}

func pct(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * a / b
}
