package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/cemlab/cem/rundir"
)

// EfficiencyRun names one run of a data-efficiency comparison: Series
// groups runs drawn as one line (for example "random-evidence" at 1x, 2x
// and 5x), Label names the point ("2x").
type EfficiencyRun struct {
	Series, Label, Dir string
}

// EfficiencyPoint is one run's cost and outcome: the loss-bearing tokens
// its rounds trained on (every round that trained, rolled back or not:
// the cost paid) and the final gain over round 0 of each suite in the
// accepted trajectory, in points; Last holds the last round's candidate
// gains, whatever the gate decided.
type EfficiencyPoint struct {
	Series, Label string
	LossTokens    int
	Gains         map[string]float64
	Last          map[string]float64
}

// Efficiency reads the runs' summaries into points, in order.
func Efficiency(runs []EfficiencyRun) ([]EfficiencyPoint, error) {
	var out []EfficiencyPoint
	for _, r := range runs {
		s, err := rundir.ReadSummary(r.Dir)
		if err != nil {
			return nil, fmt.Errorf("report: efficiency run %s %s: %w", r.Series, r.Label, err)
		}
		out = append(out, EfficiencyPointOf(r.Series, r.Label, s))
	}
	return out, nil
}

// EfficiencyPointOf is the point of summary s.
func EfficiencyPointOf(series, label string, s *rundir.Summary) EfficiencyPoint {
	p := EfficiencyPoint{Series: series, Label: label, Gains: map[string]float64{}, Last: map[string]float64{}}
	for _, m := range s.Rounds {
		for _, v := range m.LossTokens {
			p.LossTokens += v
		}
	}
	if n := len(s.Rounds); n > 1 {
		for _, sm := range s.Rounds[n-1].Suites {
			p.Last[sm.Name] = sm.Gain
		}
	}
	for name := range s.Roles {
		if _, g, ok := Final(s, name); ok {
			p.Gains[name] = g
		}
	}
	return p
}

// efficiencyChart plots, for each suite of suites (one panel each, side
// by side), the gain over round 0 against the loss-bearing tokens
// trained, one line per series, each point labelled.
func efficiencyChart(points []EfficiencyPoint, suites []string) template.HTML {
	if len(points) == 0 || len(suites) == 0 {
		return ""
	}
	var series []string
	maxTok, lo, hi := 0, 0.0, 10.0
	for _, p := range points {
		if !slices.Contains(series, p.Series) {
			series = append(series, p.Series)
		}
		maxTok = max(maxTok, p.LossTokens)
		for _, su := range suites {
			lo, hi = min(lo, p.Gains[su]), max(hi, p.Gains[su])
		}
	}
	if lo < 0 {
		lo = -niceCeil(-lo)
	}
	hi = niceCeil(hi)
	xMax := niceCeil(float64(maxTok))
	panelW := 300.0
	c := newChart(panelW*float64(len(suites))+130, 280)
	c.top, c.bottom = 28, 44
	step := niceCeil((hi - lo) / 5)
	for k, su := range suites {
		x0 := 48 + panelW*float64(k)
		w := panelW - 60
		xOf := func(t int) float64 { return x0 + w*float64(t)/xMax }
		for v := math.Ceil(lo/step) * step; v <= hi+1e-9; v += step {
			if math.Abs(v) < 1e-9 {
				v = 0 // not -0
			}
			y := c.y(v, lo, hi)
			fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, x0, y, x0+w, y, map[bool]string{true: "#999", false: "#ddd"}[v == 0])
			c.text(x0-4, y+4, "end", fmt.Sprintf("%+g", v))
		}
		for _, f := range []float64{0, 0.5, 1} {
			c.text(xOf(int(f*xMax)), c.h-c.bottom+16, "middle", fmt.Sprintf("%.0fk", f*xMax/1000))
		}
		c.text(x0+w/2, c.h-c.bottom+32, "middle", "loss-bearing tokens trained")
		c.text(x0+w/2, c.top-2, "middle", su+" gain (points)")
		for i, name := range series {
			col := colour(i)
			var pts []string
			for _, p := range points {
				if p.Series != name {
					continue
				}
				x, y := xOf(p.LossTokens), c.y(p.Gains[su], lo, hi)
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
				fmt.Fprintf(&c.b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s %s: %d loss-bearing tokens, %s %+.1f points</title></circle>`,
					x, y, col, html.EscapeString(p.Series), html.EscapeString(p.Label), p.LossTokens, html.EscapeString(su), p.Gains[su])
				c.text(x+6, y-6, "start", p.Label)
			}
			if len(pts) > 1 {
				fmt.Fprintf(&c.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), col)
			}
		}
	}
	for i, name := range series {
		c.legend(i, name, colour(i))
	}
	return c.svg()
}
