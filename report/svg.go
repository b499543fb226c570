package report

import (
	"fmt"
	"html"
	"html/template"
	"slices"
	"strings"

	"github.com/cemlab/cem/rundir"
)

// palette colours series in order.
var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"}

func colour(i int) string { return palette[i%len(palette)] }

// chart is the frame shared by the charts: plot area and scales.
type chart struct {
	w, h                     float64
	left, right, top, bottom float64
	b                        strings.Builder
}

func newChart(w, h float64) *chart {
	c := &chart{w: w, h: h, left: 48, right: 130, top: 16, bottom: 32}
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img">`, w, h, w, h)
	return c
}

func (c *chart) plotW() float64 { return c.w - c.left - c.right }
func (c *chart) plotH() float64 { return c.h - c.top - c.bottom }

// x maps slot i of n (centred) to pixels.
func (c *chart) x(i, n int) float64 { return c.left + (float64(i)+0.5)*c.plotW()/float64(max(n, 1)) }

// y maps v in [lo, hi] to pixels.
func (c *chart) y(v, lo, hi float64) float64 {
	if hi == lo {
		hi = lo + 1
	}
	return c.top + (1-(v-lo)/(hi-lo))*c.plotH()
}

func (c *chart) text(x, y float64, anchor, s string) {
	fmt.Fprintf(&c.b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="11">%s</text>`, x, y, anchor, html.EscapeString(s))
}

// axes draws the y grid (ticks at lo..hi in step) and round labels.
func (c *chart) axes(n int, lo, hi, step float64, unit string) {
	for v := lo; v <= hi+1e-9; v += step {
		y := c.y(v, lo, hi)
		fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, c.left, y, c.left+c.plotW(), y)
		c.text(c.left-4, y+4, "end", fmt.Sprintf("%g%s", v, unit))
	}
	for i := 0; i < n; i++ {
		c.text(c.x(i, n), c.h-c.bottom+16, "middle", fmt.Sprintf("round %d", i))
	}
}

func (c *chart) legend(i int, name, col string) {
	y := c.top + 14*float64(i) + 6
	x := c.w - c.right + 10
	fmt.Fprintf(&c.b, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/>`, x, y-9, col)
	c.text(x+14, y, "start", name)
}

func (c *chart) svg() template.HTML {
	c.b.WriteString("</svg>")
	return template.HTML(c.b.String())
}

// accuracyChart plots each suite's accuracy in the accepted trajectory
// with its Wilson 95% interval; rolled-back rounds are marked.
func accuracyChart(s *rundir.Summary) template.HTML {
	n := len(s.Matrix.Cells)
	c := newChart(640, 260)
	c.axes(n, 0, 100, 20, "%")
	for j, suite := range s.Matrix.Suites {
		col := colour(j)
		var pts []string
		for r := 0; r < n; r++ {
			cell, ok := s.Matrix.At(r, suite)
			if !ok {
				continue
			}
			off := float64(j-len(s.Matrix.Suites)/2) * 4 // spread the error bars
			x := c.x(r, n) + off
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, c.y(100*cell.P, 0, 100)))
			fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"><title>%s round %d: %.1f%% [%.1f, %.1f]</title></line>`,
				x, c.y(100*cell.Low, 0, 100), x, c.y(100*cell.High, 0, 100), col, html.EscapeString(suite), r, 100*cell.P, 100*cell.Low, 100*cell.High)
			fmt.Fprintf(&c.b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x, c.y(100*cell.P, 0, 100), col)
		}
		fmt.Fprintf(&c.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), col)
		c.legend(j, suite, col)
	}
	for _, m := range s.Rounds {
		if m.Round > 0 && !m.Gate.Accepted {
			c.text(c.x(m.Round, n), c.top+10, "middle", "rolled back")
		}
	}
	return c.svg()
}

// tokensChart stacks the tokens trained per example kind for each round.
func tokensChart(s *rundir.Summary) template.HTML {
	var kinds []string
	maxTotal := 0
	for _, m := range s.Rounds {
		for k := range m.Tokens {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
		maxTotal = max(maxTotal, total(m.Tokens))
	}
	slices.Sort(kinds)
	n := len(s.Rounds)
	c := newChart(640, 240)
	hi := niceCeil(float64(maxTotal))
	c.axes(n, 0, hi, hi/4, "")
	bw := 0.5 * c.plotW() / float64(max(n, 1))
	for _, m := range s.Rounds {
		acc := 0.0
		for i, k := range kinds {
			v := float64(m.Tokens[k])
			if v == 0 {
				continue
			}
			y0, y1 := c.y(acc, 0, hi), c.y(acc+v, 0, hi)
			fmt.Fprintf(&c.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>round %d %s: %d tokens</title></rect>`,
				c.x(m.Round, n)-bw/2, y1, bw, y0-y1, colour(i), m.Round, html.EscapeString(k), m.Tokens[k])
			acc += v
		}
	}
	for i, k := range kinds {
		c.legend(i, k, colour(i))
	}
	return c.svg()
}

// churnChart shows, per round, the items fixed (up) and broken (down)
// over all suites, versus the model the round started from.
func churnChart(s *rundir.Summary) template.HTML {
	hi := 1
	type fb struct{ fixed, broken int }
	rows := make([]fb, len(s.Rounds))
	for i, m := range s.Rounds {
		for _, sm := range m.Suites {
			rows[i].fixed += sm.Fixed
			rows[i].broken += sm.Broken
		}
		hi = max(hi, rows[i].fixed, rows[i].broken)
	}
	top := niceCeil(float64(hi))
	n := len(s.Rounds)
	c := newChart(640, 240)
	c.axes(n, -top, top, top/2, "")
	bw := 0.4 * c.plotW() / float64(max(n, 1))
	zero := c.y(0, -top, top)
	for i, r := range rows {
		x := c.x(i, n) - bw/2
		yf := c.y(float64(r.fixed), -top, top)
		yb := c.y(-float64(r.broken), -top, top)
		fmt.Fprintf(&c.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2ca02c"><title>round %d: %d fixed</title></rect>`, x, yf, bw, zero-yf, i, r.fixed)
		fmt.Fprintf(&c.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#d62728"><title>round %d: %d broken</title></rect>`, x, zero, bw, yb-zero, i, r.broken)
	}
	c.legend(0, "fixed", "#2ca02c")
	c.legend(1, "broken", "#d62728")
	return c.svg()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
