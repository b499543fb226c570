package metrics

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestWilson(t *testing.T) {
	tests := []struct {
		name      string
		k, n      int
		p, lo, hi float64
	}{
		{"8 of 10", 8, 10, 0.8, 0.4902, 0.9433},
		{"0 of 10", 0, 10, 0, 0, 0.2775},
		{"10 of 10", 10, 10, 1, 0.7225, 1},
		{"50 of 100", 50, 100, 0.5, 0.4038, 0.5962},
		{"empty", 0, 0, 0, 0, 1},
		{"k above n clamps", 12, 10, 1, 0.7225, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wilson95(tt.k, tt.n)
			if !near(got.P, tt.p, 1e-9) || !near(got.Low, tt.lo, 1e-4) || !near(got.High, tt.hi, 1e-4) {
				t.Errorf("Wilson95(%d, %d) = %.4f [%.4f, %.4f]; want %.4f [%.4f, %.4f]",
					tt.k, tt.n, got.P, got.Low, got.High, tt.p, tt.lo, tt.hi)
			}
		})
	}
}

func TestWeightedAccuracy(t *testing.T) {
	o := Outcomes{"a": true, "b": false, "c": true}
	tests := []struct {
		name    string
		weights map[string]float64
		want    float64
	}{
		{"no weights", nil, 2.0 / 3},
		{"heavy wrong item", map[string]float64{"b": 4}, 2.0 / 6},
		{"zero and negative mean 1", map[string]float64{"a": 0, "b": -3}, 2.0 / 3},
		{"heavy right item", map[string]float64{"a": 3}, 4.0 / 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WeightedAccuracy(o, tt.weights); !near(got, tt.want, 1e-12) {
				t.Errorf("WeightedAccuracy = %v; want %v", got, tt.want)
			}
		})
	}
	if got := WeightedAccuracy(nil, nil); got != 0 {
		t.Errorf("WeightedAccuracy(empty) = %v; want 0", got)
	}
}

func TestMatrixAndGains(t *testing.T) {
	rounds := []Snapshot{
		{"exam": {"q1": false, "q2": false, "q3": true, "q4": true}, "general": {"g1": true, "g2": true}},
		{"exam": {"q1": true, "q2": false, "q3": true, "q4": true}, "general": {"g1": true, "g2": false}},
		{"exam": {"q1": true, "q2": true, "q3": true, "q4": true}, "heldout": {"h1": true}},
	}
	m := NewMatrix(rounds)
	if want := []string{"exam", "general", "heldout"}; !slices.Equal(m.Suites, want) {
		t.Fatalf("Suites = %v; want %v", m.Suites, want)
	}
	if c, ok := m.At(1, "exam"); !ok || c.K != 3 || c.N != 4 {
		t.Errorf("At(1, exam) = %+v, %v; want 3/4", c, ok)
	}
	if _, ok := m.At(2, "general"); ok {
		t.Errorf("At(2, general) ok = true; want false (suite absent)")
	}
	if _, ok := m.At(5, "exam"); ok {
		t.Errorf("At(5, exam) ok = true; want false (no such round)")
	}
	want := []GainRow{{1, "exam", 0.25}, {1, "general", -0.5}, {2, "exam", 0.5}}
	got := m.Gains()
	if len(got) != len(want) {
		t.Fatalf("Gains = %v; want %v", got, want)
	}
	for i := range want {
		if got[i].Round != want[i].Round || got[i].Suite != want[i].Suite || !near(got[i].Gain, want[i].Gain, 1e-12) {
			t.Errorf("Gains[%d] = %+v; want %+v", i, got[i], want[i])
		}
	}
}

func TestChurnAndFixRate(t *testing.T) {
	prev := Outcomes{"a": false, "b": false, "c": true, "d": true, "gone": false}
	cur := Outcomes{"a": true, "b": false, "c": false, "d": true, "new": true}
	c := NewChurn(prev, cur)
	if !slices.Equal(c.Fixed, []string{"a"}) || !slices.Equal(c.Broken, []string{"c"}) ||
		c.StayedRight != 1 || c.StayedWrong != 1 || c.Common != 4 || c.Net() != 0 {
		t.Errorf("NewChurn = %+v; want fixed [a], broken [c], 1 stayed right, 1 stayed wrong, 4 common", c)
	}
	fr := TargetedFixRate([]string{"a", "b", "gone", "a"}, cur)
	if fr.K != 1 || fr.N != 2 {
		t.Errorf("TargetedFixRate = %d/%d; want 1/2 (gone is absent, a counted once)", fr.K, fr.N)
	}
}

func TestForgetting(t *testing.T) {
	rounds := []Snapshot{
		{"general": {"g1": true, "g2": true, "g3": false, "g4": true}},  // 0.75
		{"general": {"g1": true, "g2": true, "g3": true, "g4": true}},   // 1.00
		{"general": {"g1": true, "g2": false, "g3": false, "g4": true}}, // 0.50
	}
	m := NewMatrix(rounds)
	tests := []struct {
		name string
		k    int
		want float64
		ok   bool
	}{
		{"round 0 has no past", 0, 0, false},
		{"improvement is negative forgetting", 1, -0.25, true},
		{"drop below best earlier round", 2, 0.5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := m.Forgetting(tt.k, "general")
			if ok != tt.ok || !near(got, tt.want, 1e-12) {
				t.Errorf("Forgetting(%d) = %v, %v; want %v, %v", tt.k, got, ok, tt.want, tt.ok)
			}
		})
	}
	hist := []Outcomes{rounds[0]["general"], rounds[1]["general"], rounds[2]["general"]}
	if f := ItemForgetting(hist, 2); f.K != 2 || f.N != 4 {
		t.Errorf("ItemForgetting(2) = %d/%d; want 2/4 (g2, g3 right before, wrong now)", f.K, f.N)
	}
	if f := ItemForgetting(hist, 9); f.N != 0 {
		t.Errorf("ItemForgetting(9).N = %d; want 0", f.N)
	}
}

func TestBWT(t *testing.T) {
	hist := []Outcomes{
		{"a": false, "b": false, "c": true},
		{"a": true, "b": false, "c": true},  // round 1 fixed a
		{"a": true, "b": true, "c": false},  // round 2 fixed b
		{"a": false, "b": true, "c": false}, // round 3 lost a
	}
	tests := []struct {
		name  string
		hist  []Outcomes
		tasks [][]string
		want  float64
		ok    bool
	}{
		{"targets", hist, [][]string{nil, {"a"}, {"b"}}, (-1.0 + 0.0) / 2, true},
		{"previously right", hist, [][]string{RightIDs(hist[0]), RightIDs(hist[1]), RightIDs(hist[2])}, (-1.0 - 1.0 - 0.5) / 3, true},
		{"general suite as task 0", hist[:2], [][]string{{"a", "b", "c"}}, 1.0 / 3, true},
		{"one round", hist[:1], [][]string{{"a"}}, 0, false},
		{"no tasks", hist, nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := BWT(tt.hist, tt.tasks)
			if ok != tt.ok || !near(got, tt.want, 1e-12) {
				t.Errorf("BWT = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestMcNemarCounts(t *testing.T) {
	tests := []struct {
		name      string
		b, c      int
		method    string
		p, midP   float64
		tolerance float64
	}{
		{"no change", 0, 0, MethodNone, 1, 1, 0},
		{"exact 1 vs 9", 1, 9, MethodExact, 22.0 / 1024, 12.0 / 1024, 1e-12},
		{"exact symmetric", 3, 3, MethodExact, 1, 1, 1e-12},
		{"exact 2 vs 6", 2, 6, MethodExact, 2 * 37.0 / 256, 2 * (37.0 - 14) / 256, 1e-12},
		{"exact all one way", 0, 5, MethodExact, 2.0 / 32, 1.0 / 32, 1e-12},
		{"chi-square 10 vs 30", 10, 30, MethodChi2CC, 0.0026640, 0.0015, 2e-4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := McNemarCounts(tt.b, tt.c)
			if got.Method != tt.method || !near(got.P, tt.p, max(tt.tolerance, 1e-6)) || !near(got.MidP, tt.midP, max(tt.tolerance, 1e-6)) {
				t.Errorf("McNemarCounts(%d, %d) = %s p=%.6f mid-p=%.6f; want %s p=%.6f mid-p=%.6f",
					tt.b, tt.c, got.Method, got.P, got.MidP, tt.method, tt.p, tt.midP)
			}
		})
	}
}

func TestMcNemarRounds(t *testing.T) {
	rounds := []Snapshot{
		{"exam": {"a": false, "b": false}, "general": {"g": true}},
		{"exam": {"a": true, "b": false}},
		{"exam": {"a": true, "b": true}, "general": {"g": true}},
	}
	got := McNemarRounds(rounds)
	if len(got) != 2 || got[0].Round != 1 || got[1].Round != 2 || got[0].Suite != "exam" {
		t.Fatalf("McNemarRounds = %+v; want exam at rounds 1 and 2 only", got)
	}
	if got[0].Test.C != 1 || got[0].Test.N != 2 {
		t.Errorf("round 1 test = %+v; want c=1, n=2", got[0].Test)
	}
}

func TestSplitDevTest(t *testing.T) {
	ids := make([]string, 41)
	for i := range ids {
		ids[i] = fmt.Sprintf("g%02d", i)
	}
	dev, test := SplitDevTest(7, ids)
	if len(dev) != 21 || len(test) != 20 {
		t.Fatalf("halves = %d, %d; want 21, 20", len(dev), len(test))
	}
	seen := map[string]bool{}
	for _, id := range append(append([]string(nil), dev...), test...) {
		if seen[id] {
			t.Fatalf("%s in both halves", id)
		}
		seen[id] = true
	}
	// Order-independent and seeded.
	rev := slices.Clone(ids)
	slices.Reverse(rev)
	dev2, _ := SplitDevTest(7, rev)
	if !slices.Equal(dev, dev2) {
		t.Errorf("dev half depends on the order of the ids")
	}
	dev3, _ := SplitDevTest(8, ids)
	if slices.Equal(dev, dev3) {
		t.Errorf("seeds 7 and 8 give the same dev half")
	}
	o := Outcomes{"g00": true, "g01": false}
	if s := o.Subset([]string{"g01", "zz"}); len(s) != 1 || s["g01"] {
		t.Errorf("Subset = %v; want {g01: false}", s)
	}
}
