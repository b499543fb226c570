package metrics_test

import (
	"fmt"

	"github.com/cemlab/cem/metrics"
)

func ExampleNewMatrix() {
	rounds := []metrics.Snapshot{
		{"exam": {"q1": false, "q2": false, "q3": true, "q4": false}, "general": {"g1": true, "g2": true}},
		{"exam": {"q1": true, "q2": true, "q3": true, "q4": false}, "general": {"g1": true, "g2": false}},
	}
	m := metrics.NewMatrix(rounds)
	for r := range rounds {
		for _, s := range m.Suites {
			c, _ := m.At(r, s)
			fmt.Printf("round %d %-7s %d/%d = %.2f [%.2f, %.2f]\n", r, s, c.K, c.N, c.P, c.Low, c.High)
		}
	}
	for _, g := range m.Gains() {
		fmt.Printf("gain round %d %s: %+.2f\n", g.Round, g.Suite, g.Gain)
	}
	// Output:
	// round 0 exam    1/4 = 0.25 [0.05, 0.70]
	// round 0 general 2/2 = 1.00 [0.34, 1.00]
	// round 1 exam    3/4 = 0.75 [0.30, 0.95]
	// round 1 general 1/2 = 0.50 [0.09, 0.91]
	// gain round 1 exam: +0.50
	// gain round 1 general: -0.50
}

func ExampleNewChurn() {
	prev := metrics.Outcomes{"q1": false, "q2": false, "q3": true}
	cur := metrics.Outcomes{"q1": true, "q2": false, "q3": false}
	c := metrics.NewChurn(prev, cur)
	fmt.Println("fixed:", c.Fixed, "broken:", c.Broken, "net:", c.Net())
	fix := metrics.TargetedFixRate([]string{"q1", "q2"}, cur)
	fmt.Printf("targeted fix rate: %d/%d\n", fix.K, fix.N)
	// Output:
	// fixed: [q1] broken: [q3] net: 0
	// targeted fix rate: 1/2
}

func ExampleMcNemarCounts() {
	for _, bc := range [][2]int{{1, 9}, {10, 30}, {0, 0}} {
		t := metrics.McNemarCounts(bc[0], bc[1])
		fmt.Printf("b=%d c=%d %s p=%.4f mid-p=%.4f\n", t.B, t.C, t.Method, t.P, t.MidP)
	}
	// Output:
	// b=1 c=9 exact p=0.0215 mid-p=0.0117
	// b=10 c=30 chi2cc p=0.0027 mid-p=0.0015
	// b=0 c=0 none p=1.0000 mid-p=1.0000
}

func ExampleBWT() {
	history := []metrics.Outcomes{
		{"a": false, "b": false},
		{"a": true, "b": false}, // round 1 trained on a
		{"a": false, "b": true}, // round 2 trained on b, lost a
	}
	targets := [][]string{nil, {"a"}, {"b"}}
	bwt, _ := metrics.BWT(history, targets)
	fmt.Printf("BWT on targeted items: %+.2f\n", bwt)
	// Output:
	// BWT on targeted items: -1.00
}
