package demo

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/cemlab/cem/metrics"
)

func TestSeedRowsAndWriteSeeds(t *testing.T) {
	var rows []SeedRow
	for i, exam1 := range []int{6, 8, 4} { // exam gains 40, 60, 20
		s := withProbes(summary(2, exam1, 10, 10, true), float64(exam1), -1)
		s.Roles = map[string]string{"exam": "exam", "general": "general"}
		p := metrics.McNemarCounts(0, exam1-2)
		s.Rounds[1].Suites[0].McNemarBase = &p
		rows = append(rows, SeedRowOf(int64(i+1), s))
	}
	if math.Abs(rows[1].Gains["exam"]-60) > 1e-9 || rows[1].P["exam"] <= 0 || rows[1].P["exam"] >= 0.05 {
		t.Fatalf("seed 2 row = %+v; want exam +60 with p < 0.05", rows[1])
	}
	if rows[1].Gains["probes mined"] != 8 || rows[1].Gains["reverse mined"] != 4 || rows[1].P["probes mined"] <= 0 {
		t.Fatalf("seed 2 row = %+v; want probes mined +8 with its p, reverse mined +4", rows[1])
	}
	var b bytes.Buffer
	if err := WriteSeeds(&b, rows, []string{"exam", "general"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "+40.0 [+20.0, +60.0]") {
		t.Errorf("WriteSeeds gave\n%s\nwant exam mean +40.0 with range [+20.0, +60.0]", b.String())
	}
}
