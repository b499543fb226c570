package metrics

import (
	"math"
	"slices"
)

// Outcomes maps an item id to whether the model answered it correctly.
type Outcomes map[string]bool

// Snapshot is one round's graded outcomes: suite name -> Outcomes.
type Snapshot map[string]Outcomes

// z95 is the standard normal quantile for a two-sided 95 % interval.
const z95 = 1.959963984540054

// Interval is a proportion K/N with its Wilson score 95 % interval.
// For N = 0, P is 0 and the interval is [0, 1].
type Interval struct {
	K    int     `json:"k"`
	N    int     `json:"n"`
	P    float64 `json:"p"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Wilson returns the proportion k/n with its Wilson score interval at the
// normal quantile z (1.96 for 95 %). It clamps k to [0, n]; n <= 0 gives
// {P: 0, Low: 0, High: 1}.
//
// The Wilson interval is
//
//	(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n),  p = k/n.
func Wilson(k, n int, z float64) Interval {
	if n <= 0 {
		return Interval{Low: 0, High: 1}
	}
	k = min(max(k, 0), n)
	nf := float64(n)
	p := float64(k) / nf
	z2 := z * z
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{K: k, N: n, P: p, Low: max(0, center-half), High: min(1, center+half)}
}

// Wilson95 is Wilson(k, n, 1.96).
func Wilson95(k, n int) Interval { return Wilson(k, n, z95) }

// Accuracy returns the share of correct items in o with its Wilson 95 %
// interval.
func Accuracy(o Outcomes) Interval {
	k := 0
	for _, ok := range o {
		if ok {
			k++
		}
	}
	return Wilson95(k, len(o))
}

// WeightedAccuracy returns Σ w_i·correct_i / Σ w_i over the items of o,
// where w_i = weights[id]; a missing, zero or negative weight counts as 1
// (the exam's "0 means 1" rule). It returns 0 for empty o.
func WeightedAccuracy(o Outcomes, weights map[string]float64) float64 {
	var num, den float64
	for id, ok := range o {
		w := weights[id]
		if w <= 0 {
			w = 1
		}
		den += w
		if ok {
			num += w
		}
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// Matrix is the accuracy matrix: one row per round, one column per suite.
type Matrix struct {
	// Suites are the column names, sorted.
	Suites []string `json:"suites"`
	// Cells[r][j] is the accuracy of round r on Suites[j]; a suite absent
	// at round r has the zero Interval (N = 0).
	Cells [][]Interval `json:"cells"`
}

// NewMatrix builds the accuracy matrix of rounds (index = round). The
// columns are the union of the suite names of all rounds, sorted.
func NewMatrix(rounds []Snapshot) Matrix {
	seen := map[string]bool{}
	var suites []string
	for _, snap := range rounds {
		for s := range snap {
			if !seen[s] {
				seen[s] = true
				suites = append(suites, s)
			}
		}
	}
	slices.Sort(suites)
	m := Matrix{Suites: suites, Cells: make([][]Interval, len(rounds))}
	for r, snap := range rounds {
		m.Cells[r] = make([]Interval, len(suites))
		for j, s := range suites {
			if o, ok := snap[s]; ok {
				m.Cells[r][j] = Accuracy(o)
			}
		}
	}
	return m
}

// At returns the cell of round r and suite; ok is false when the round or
// suite is out of the matrix or the suite had no items at that round.
func (m Matrix) At(r int, suite string) (Interval, bool) {
	j := slices.Index(m.Suites, suite)
	if j < 0 || r < 0 || r >= len(m.Cells) || m.Cells[r][j].N == 0 {
		return Interval{}, false
	}
	return m.Cells[r][j], true
}

// Gain returns the accuracy of suite at round r minus its accuracy at
// round 0, in proportion units (0.05 = 5 points); ok is false when either
// cell is missing.
func (m Matrix) Gain(r int, suite string) (float64, bool) {
	a, ok0 := m.At(0, suite)
	b, ok1 := m.At(r, suite)
	if !ok0 || !ok1 {
		return 0, false
	}
	return b.P - a.P, true
}

// GainRow is one round's gain on one suite.
type GainRow struct {
	Round int     `json:"round"`
	Suite string  `json:"suite"`
	Gain  float64 `json:"gain"`
}

// Gains returns the gain over round 0 of every suite at every round r >= 1
// where both cells exist, ordered by round then suite.
func (m Matrix) Gains() []GainRow {
	var rows []GainRow
	for r := 1; r < len(m.Cells); r++ {
		for _, s := range m.Suites {
			if g, ok := m.Gain(r, s); ok {
				rows = append(rows, GainRow{Round: r, Suite: s, Gain: g})
			}
		}
	}
	return rows
}
