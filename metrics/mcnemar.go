package metrics

import "math"

// ExactLimit is the largest number of discordant pairs (b + c) for which
// McNemar uses the exact binomial test; above it the chi-square test with
// continuity correction is used.
const ExactLimit = 25

// Test methods reported in McNemarTest.Method.
const (
	MethodExact  = "exact"  // two-sided exact binomial on the discordant pairs
	MethodChi2CC = "chi2cc" // chi-square with Edwards' continuity correction, 1 df
	MethodNone   = "none"   // no discordant pairs: P = 1
)

// McNemarTest is McNemar's test of the change between two rounds on the
// items present in both.
type McNemarTest struct {
	B      int    `json:"b"`      // right before, wrong now (broken)
	C      int    `json:"c"`      // wrong before, right now (fixed)
	N      int    `json:"n"`      // items present in both rounds
	Method string `json:"method"` // MethodExact, MethodChi2CC or MethodNone
	// P is the two-sided p-value of the method used:
	//   exact:  min(1, 2·P(X <= min(b,c))),  X ~ Binomial(b+c, 1/2)
	//   chi2cc: P(χ²₁ >= (|b−c| − 1)² / (b+c))
	P float64 `json:"p"`
	// MidP is the two-sided exact mid-p value,
	// min(1, 2·(P(X <= min(b,c)) − P(X = min(b,c))/2)), computed for every
	// b + c; it is less conservative than the exact P.
	MidP float64 `json:"mid_p"`
}

// McNemar compares prev (the earlier round) with cur on the items present
// in both. With b + c = 0 it returns P = MidP = 1 and MethodNone; with
// b + c <= ExactLimit the exact binomial test, otherwise chi-square with
// continuity correction.
func McNemar(prev, cur Outcomes) McNemarTest {
	ch := NewChurn(prev, cur)
	t := McNemarCounts(len(ch.Broken), len(ch.Fixed))
	t.N = ch.Common
	return t
}

// McNemarCounts is McNemar's test from the discordant counts b and c
// alone (N is left 0). Negative counts are treated as 0.
func McNemarCounts(b, c int) McNemarTest {
	b, c = max(b, 0), max(c, 0)
	t := McNemarTest{B: b, C: c}
	n := b + c
	if n == 0 {
		t.Method, t.P, t.MidP = MethodNone, 1, 1
		return t
	}
	m := min(b, c)
	cdf := binomCDFHalf(m, n)
	pmf := math.Exp(logBinomHalf(m, n))
	t.MidP = min(1, 2*(cdf-pmf/2))
	if n <= ExactLimit {
		t.Method, t.P = MethodExact, min(1, 2*cdf)
		return t
	}
	d := math.Abs(float64(b-c)) - 1
	x := d * d / float64(n)
	t.Method, t.P = MethodChi2CC, math.Erfc(math.Sqrt(x/2))
	return t
}

// logBinomHalf is log P(X = k) for X ~ Binomial(n, 1/2).
func logBinomHalf(k, n int) float64 {
	ln, _ := math.Lgamma(float64(n + 1))
	lk, _ := math.Lgamma(float64(k + 1))
	lnk, _ := math.Lgamma(float64(n - k + 1))
	return ln - lk - lnk - float64(n)*math.Ln2
}

// binomCDFHalf is P(X <= m) for X ~ Binomial(n, 1/2).
func binomCDFHalf(m, n int) float64 {
	var s float64
	for k := 0; k <= m; k++ {
		s += math.Exp(logBinomHalf(k, n))
	}
	return min(s, 1)
}

// RoundTest is one round's McNemar test on one suite against the round
// before it.
type RoundTest struct {
	Round int         `json:"round"`
	Suite string      `json:"suite"`
	Test  McNemarTest `json:"test"`
}

// McNemarRounds tests, for every round r >= 1 and every suite present at
// both r-1 and r, the change from round r-1 to round r. Rows are ordered
// by round, then suite name.
func McNemarRounds(rounds []Snapshot) []RoundTest {
	suites := NewMatrix(rounds).Suites
	var rows []RoundTest
	for r := 1; r < len(rounds); r++ {
		for _, s := range suites {
			prev, ok0 := rounds[r-1][s]
			cur, ok1 := rounds[r][s]
			if !ok0 || !ok1 {
				continue
			}
			rows = append(rows, RoundTest{Round: r, Suite: s, Test: McNemar(prev, cur)})
		}
	}
	return rows
}
