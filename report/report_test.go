package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/metrics"
)

// writeRun writes a two-round run folder by hand.
func writeRun(t *testing.T, name, baseline string, examAfter float64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	mk := func(k, n int) metrics.Interval { return metrics.Wilson95(k, n) }
	s := rundir.Summary{Name: name, Baseline: baseline, Seed: 1, Roles: map[string]string{"exam": "exam", "general": "general"}, Scoring: "pmi",
		Matrix: metrics.NewMatrix([]metrics.Snapshot{
			{"exam": {"a": false, "b": false}, "general": {"g": true}},
			{"exam": {"a": examAfter > 0, "b": examAfter > 0.5}, "general": {"g": true}},
		}),
		Rounds: []rundir.RoundMetrics{
			{Round: 0, Gate: rundir.Gate{Accepted: true}, Suites: []rundir.SuiteMetrics{{Name: "exam", Role: "exam", Acc: mk(0, 2), Chance: 0.25}, {Name: "general", Role: "general", Acc: mk(1, 1)}}},
			{Round: 1, Gate: rundir.Gate{Accepted: true}, Mined: 2, Targeted: mk(2, 2), Candidates: 3, Evidence: 2,
				Rejects: map[string]int{"support": 1}, Tokens: map[string]int{"cpt": 120, "normative": 30},
				LossTokens: map[string]int{"cpt": 120, "normative": 6},
				Usage: map[string]model.Usage{"helper/extract": {Requests: 2, PromptTokens: 100, CompletionTokens: 20, Cost: 0.125},
					"model": {Requests: 5, PromptTokens: 50, CompletionTokens: 5}},
				Suites: []rundir.SuiteMetrics{{Name: "exam", Role: "exam", Acc: mk(2, 2), Gain: 100, Fixed: 2}, {Name: "general", Role: "general", Acc: mk(1, 1)}}},
		}}
	data, _ := json.Marshal(s)
	if err := os.MkdirAll(filepath.Join(dir, "round-1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metrics.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	v := curate.Verdict{Keep: true, Candidate: curate.Candidate{MistakeID: "a", Hit: knowledge.Hit{Score: 3,
		Passage: knowledge.Passage{ID: "wordnet:1", Source: "wordnet", URL: "https://wordnet.princeton.edu", License: "WordNet", Text: "Chad <capital> N'Djamena"}}}}
	line, _ := json.Marshal(v)
	if err := os.WriteFile(filepath.Join(dir, "round-1", "curation.jsonl"), append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestWriteHTML(t *testing.T) {
	dir := writeRun(t, "cem", "", 1)
	other := writeRun(t, "rand", "random", 0.25)
	page := writePage(t, dir, Options{Compare: []string{other},
		Targets: []Target{{Name: "exam gain", Goal: "+30", Measured: "+100", Met: true}}})
	for _, want := range []string{"<svg", "wordnet:1", "https://wordnet.princeton.edu", "N&#39;Djamena",
		"support", "exam gain", "random", "Runs side by side", "scoring pmi", "chance: exam 25.0%", "API usage per round", "helper/extract", "<td>0.125</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"<script src", "<link ", "http://cdn", "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("report references external assets: %q", bad)
		}
	}
}

func TestTableAndCompare(t *testing.T) {
	a := writeRun(t, "cem", "", 1)
	b := writeRun(t, "rand", "random", 0.25)
	sa, _ := rundir.ReadSummary(a)
	sb, _ := rundir.ReadSummary(b)
	var tb strings.Builder
	if err := Table(&tb, sa); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.String(), "100.0 (+100.0)") || !strings.Contains(tb.String(), "accepted") {
		t.Errorf("Table =\n%s\nwant exam at 100.0 (+100.0) and an accepted round", tb.String())
	}
	lines := strings.Split(strings.TrimSpace(tb.String()), "\n")
	if !strings.Contains(lines[0], "requests") || !strings.HasSuffix(strings.Join(strings.Fields(lines[2]), " "), "7 175 0.125") {
		t.Errorf("Table =\n%s\nwant round 1's 7 requests, 175 API tokens and cost 0.125", tb.String())
	}
	var cb strings.Builder
	if err := Compare(&cb, []*rundir.Summary{sa, sb}); err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSpace(cb.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[2], "random") || !strings.Contains(lines[2], "+50.0") {
		t.Errorf("Compare =\n%s\nwant a header and two runs, random at +50.0 on exam", cb.String())
	}
	if acc, gain, ok := Final(sb, "exam"); !ok || acc != 0.5 || gain != 50 {
		t.Errorf("Final(rand, exam) = %v, %v, %v; want 0.5, 50, true", acc, gain, ok)
	}
}

func TestMixTextTrimsLongLists(t *testing.T) {
	prov := make([]int, 30)
	raw, _ := json.Marshal(map[string]any{"round": 1, "provenance": prov, "kinds": []string{"cpt"}})
	got := mixText(raw)
	if !strings.Contains(got, "(30 entries") || !strings.Contains(got, `"cpt"`) {
		t.Errorf("mixText = %s; want provenance summarised and kinds kept", got)
	}
}

// TestTableTrainingUsage: the table shows the slurm trainer's seconds and
// GPU hours, and the openai trainer's seconds and trained tokens.
func TestTableTrainingUsage(t *testing.T) {
	for _, tc := range []struct {
		label string
		u     model.Usage
		head  string
		tail  string
	}{
		{"trainer/slurm", model.Usage{TrainSeconds: 7200, GPUHours: 4}, "train s GPU h", "7200 4"},
		{"trainer/openai", model.Usage{TrainSeconds: 900, TrainedTokens: 12345}, "train s trained tok", "900 12345"},
	} {
		s := &rundir.Summary{Rounds: []rundir.RoundMetrics{{Round: 0}, {Round: 1, Gate: rundir.Gate{Accepted: true},
			Usage: map[string]model.Usage{tc.label: tc.u}}}}
		var tb strings.Builder
		if err := Table(&tb, s); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(tb.String()), "\n")
		if !strings.HasSuffix(strings.Join(strings.Fields(lines[0]), " "), tc.head) ||
			!strings.HasSuffix(strings.Join(strings.Fields(lines[2]), " "), tc.tail) {
			t.Errorf("%s: Table =\n%s\nwant columns %q with %q", tc.label, tb.String(), tc.head, tc.tail)
		}
	}
}

// TestUnreadableFilesLeaveNotes: a damaged curation artifact and a missing
// trainset manifest are named in the round's section (and the evidence by
// source says why it is missing), not silently left out.
func TestUnreadableFilesLeaveNotes(t *testing.T) {
	dir := writeRun(t, "cem", "", 1)
	if err := os.WriteFile(filepath.Join(dir, "round-1", "curation.jsonl"), []byte("{\"keep\": tru\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	page := writePage(t, dir, Options{})
	for _, want := range []string{"curation verdicts unreadable: ", "curation.jsonl:1", "training-set manifest not written",
		"evidence by source not shown: curation verdicts unreadable: "} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks the note %q", want)
		}
	}
	// cem report's summary of the evidence by source says so too, for a
	// damaged and for a missing curation.jsonl.
	for _, remove := range []bool{false, true} {
		if remove {
			os.Remove(filepath.Join(dir, "round-1", "curation.jsonl"))
		}
		var text strings.Builder
		if err := Sources(&text, dir, 0); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), "round 1 evidence by source: not shown, curation verdicts unreadable: ") {
			t.Errorf("Sources (file removed %v) = %q; want the reason", remove, text.String())
		}
	}
}

func TestWarningsEfficiencyAndLossTokens(t *testing.T) {
	dir := writeRun(t, "cem", "", 1)
	rev := writeRun(t, "rev", "random-evidence", 0.25)
	page := writePage(t, dir, Options{Compare: []string{rev}, Warnings: []string{"factbook absent: capitals come from WordNet alone"},
		Efficiency: []EfficiencyRun{{Series: "CEM", Label: "1x", Dir: dir}, {Series: "random-evidence", Label: "1x", Dir: rev},
			{Series: "random-evidence", Label: "2x", Dir: rev}}})
	for _, want := range []string{"Warnings", "factbook absent: capitals come from WordNet alone", "Data efficiency",
		"loss-bearing tokens trained", "random-evidence 2x: 126 loss-bearing tokens, exam +50.0 points", "<td>126</td><td>&#43;100.0 <span class=\"small\">(&#43;100.0)</span></td>",
		"exam: last round", "<td class=\"l\">rev</td><td class=\"l\">random-evidence</td><td>126</td><td>&#43;100.0</td><td>&#43;0.0</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Count(page, "<polyline") < 1 {
		t.Errorf("report has no line joining random-evidence's points")
	}
	sa, _ := rundir.ReadSummary(dir)
	var cb strings.Builder
	if err := Compare(&cb, []*rundir.Summary{sa}); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(cb.String()), "\n"); !strings.HasSuffix(lines[0], "loss tokens") || !strings.HasSuffix(strings.Join(strings.Fields(lines[1]), " "), "150 126") {
		t.Errorf("Compare =\n%s\nwant counted 150 and loss-bearing 126 tokens", cb.String())
	}
	if _, err := Write(dir, Options{Efficiency: []EfficiencyRun{{Series: "x", Dir: filepath.Join(dir, "missing")}}}); err == nil {
		t.Errorf("Write with a missing efficiency run succeeded; want an error naming it")
	}
}

func TestEfficiencyChartAxes(t *testing.T) {
	pts := []EfficiencyPoint{
		{Series: "CEM", Label: "1x", LossTokens: 3000, Gains: map[string]float64{"exam": 23}},
		{Series: "random-evidence", Label: "1x", LossTokens: 3100, Gains: map[string]float64{"exam": -7}},
		{Series: "random-evidence", Label: "5x", LossTokens: 15000, Gains: map[string]float64{"exam": 4}},
	}
	svg := string(efficiencyChart(pts, []string{"exam"}))
	for _, want := range []string{">+0<", ">+20<", ">20k<", "random-evidence 5x: 15000 loss-bearing tokens, exam +4.0 points", "<polyline"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, ">-0<") {
		t.Errorf("chart labels a tick -0")
	}
	if efficiencyChart(nil, []string{"exam"}) != "" {
		t.Errorf("chart of no points is not empty")
	}
}

// writePage writes the HTML report of the run in dir with opts and
// returns the page.
func writePage(t *testing.T, dir string, opts Options) string {
	t.Helper()
	out, err := Write(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestTableForgettingColumns: the table's "forget test" column is the
// drop of the general test half the run reports, "forget dev" the gate's
// drop on the dev half, and neither is Chaudhry's measure.
func TestTableForgettingColumns(t *testing.T) {
	s, err := rundir.ReadSummary(writeRun(t, "cem", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	half := metrics.Wilson95(1, 1)
	r := &s.Rounds[1]
	r.Suites[1].Dev, r.Suites[1].Test = &half, &half
	r.ForgettingTest, r.Gate.Forgetting, r.Forgetting = 1.5, 0.5, 7.0
	var tb strings.Builder
	if err := Table(&tb, s); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(tb.String()), "\n")
	head := strings.Split(strings.TrimSpace(lines[0]), "  ")
	var cols []string
	for _, h := range head {
		if h = strings.TrimSpace(h); h != "" {
			cols = append(cols, h)
		}
	}
	row := strings.Fields(lines[2])
	// Suite cells hold "acc (gain)": two fields each after round 0.
	at := func(name string) string {
		i := slices.Index(cols, name)
		if i < 0 {
			t.Fatalf("Table header %q lacks %q", lines[0], name)
		}
		return row[i+len(r.Suites)]
	}
	if got := at("forget test"); got != "1.5" {
		t.Errorf("forget test = %s, want 1.5 (ForgettingTest)\n%s", got, tb.String())
	}
	if got := at("forget dev"); got != "0.5" {
		t.Errorf("forget dev = %s, want 0.5 (the gate's drop)\n%s", got, tb.String())
	}
	if strings.Contains(lines[2], "7.0") {
		t.Errorf("Table shows Chaudhry's 7.0:\n%s", tb.String())
	}
}
