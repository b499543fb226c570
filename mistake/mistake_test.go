package mistake

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/modeltest"
)

func mc(id, q string, weight float64, choices ...string) exam.Item {
	return exam.Item{ID: id, Question: q, Choices: choices, Answer: exam.Answer{Index: 0, Text: choices[0]}, Weight: weight}
}

func TestMine(t *testing.T) {
	items := []exam.Item{
		mc("a", "Capital of Chad?", 0, "N'Djamena", "Niamey"),
		mc("b", "Capital of Mali?", 3, "Bamako", "Dakar"),
		mc("c", "Capital of Niger?", 0, "Niamey", "Bamako"),
		mc("d", "Capital of Togo?", 0, "Lome", "Accra"),
		mc("e", "Capital of Benin?", 0, "Porto-Novo", "Cotonou"),
		{ID: "open", Question: "Capital of Ghana?", Answer: exam.Answer{Index: -1, Text: "Accra"}},
	}
	results := []exam.Result{
		{ID: "a", Correct: false, Confidence: 0.7, Scores: []float64{-2, -1}, Margin: 0.4},
		{ID: "b", Correct: false, Confidence: 0.9, Scores: []float64{-2, -1}, Margin: 0.8},
		{ID: "c", Correct: true, Confidence: 0.55, Scores: []float64{-1, -1.2}, Margin: 0.1},
		{ID: "d", Correct: true, Confidence: 0.95, Scores: []float64{-1, -4}, Margin: 0.9},
		{ID: "e", Correct: true, Confidence: 0.6, Scores: []float64{-1, -1.5}, Margin: 0.25},
		{ID: "open", Correct: true, Confidence: 0.5},
		{ID: "unknown", Correct: false},
	}
	tests := []struct {
		name    string
		opts    MineOptions
		want    []string
		reasons []Kind
	}{
		{"defaults", MineOptions{}, []string{"b", "c", "a"}, []Kind{Wrong, Uncertain, Wrong}},
		{"wider margin", MineOptions{Margin: 0.3}, []string{"b", "c", "e", "a"}, []Kind{Wrong, Uncertain, Uncertain, Wrong}},
		{"no uncertain", MineOptions{Margin: -1}, []string{"b", "a"}, []Kind{Wrong, Wrong}},
		{"budget", MineOptions{Budget: 2}, []string{"b", "c"}, []Kind{Wrong, Uncertain}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Mine(items, results, tt.opts)
			var ids []string
			var reasons []Kind
			for _, m := range got {
				ids = append(ids, m.Item.ID)
				reasons = append(reasons, m.Kind)
			}
			if !slices.Equal(ids, tt.want) || !slices.Equal(reasons, tt.reasons) {
				t.Errorf("Mine = %v %v; want %v %v", ids, reasons, tt.want, tt.reasons)
			}
		})
	}
	if got := Mine(items, results, MineOptions{})[0].Priority; got != 3 {
		t.Errorf("Priority of b = %v; want 3", got)
	}
	if got := Mine(items, results, MineOptions{})[1].Priority; got != 1 {
		t.Errorf("Priority of c = %v; want 1 (weight 0 means 1)", got)
	}
}

func TestKeyTerms(t *testing.T) {
	tests := []struct {
		name string
		item exam.Item
		want []string
	}{
		{"capital", exam.Item{Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}},
			[]string{"Chad", "capital"}},
		{"multi-word name with connector", exam.Item{Question: "Which city is the capital of the Republic of the Congo?", Answer: exam.Answer{Index: -1, Text: "Brazzaville"}},
			[]string{"Republic of the Congo", "city", "capital"}},
		{"answer excluded", exam.Item{Question: "Is Djibouti the capital of Djibouti?", Answer: exam.Answer{Index: -1, Text: "Djibouti"}},
			[]string{"capital"}},
		{"structured fields first", exam.Item{Question: "Name the chemical symbol of gold.", Subject: "gold", Relation: "chemical symbol",
			Answer: exam.Answer{Index: -1, Text: "Au"}}, []string{"gold", "chemical", "symbol"}},
		{"numbers kept", exam.Item{Question: "Who was US president in 1862?", Answer: exam.Answer{Index: -1, Text: "Lincoln"}},
			[]string{"US", "president", "1862"}},
		{"definition", exam.Item{Question: "What does 'sesquipedalian' mean?", Answer: exam.Answer{Index: -1, Text: "given to using long words"}},
			[]string{"sesquipedalian"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KeyTerms(tt.item, AnswerText(tt.item), 6); !slices.Equal(got, tt.want) {
				t.Errorf("KeyTerms(%q) = %q; want %q", tt.item.Question, got, tt.want)
			}
		})
	}
}

func queryTexts(qs []knowledge.Query) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.Text)
	}
	return out
}

func TestPoints(t *testing.T) {
	m := Mistake{Item: exam.Item{ID: "q1", Question: "What is the capital of Chad?", Choices: []string{"N'Djamena", "Niamey"},
		Answer: exam.Answer{Index: 0}, Aliases: []string{"Ndjamena"}}}
	kps := Points(m, PointOptions{Sources: []string{"wordnet"}})
	if len(kps) != 1 {
		t.Fatalf("Points returned %d points; want 1", len(kps))
	}
	kp := kps[0]
	if kp.ItemID != "q1" || kp.Answer != "N'Djamena" || !slices.Equal(kp.Aliases, []string{"Ndjamena"}) {
		t.Errorf("point = %+v; want item q1, answer N'Djamena, alias Ndjamena", kp)
	}
	want := []string{"N'Djamena", "Chad capital N'Djamena", "Chad capital"}
	if got := queryTexts(kp.Queries); !slices.Equal(got, want) {
		t.Errorf("queries = %q; want %q", got, want)
	}
	if !slices.Equal(kp.Queries[0].Sources, []string{"wordnet"}) {
		t.Errorf("query sources = %v; want [wordnet]", kp.Queries[0].Sources)
	}
	if kp.Text != "What is the capital of Chad? N'Djamena" {
		t.Errorf("Text = %q", kp.Text)
	}
	if kp.Subject != "" || kp.Claim().Subject != "" {
		t.Errorf("Subject = %q for an item with no subject field; want none", kp.Subject)
	}
	m.Item.Subject, m.Item.Relation = "Chad", "capital"
	kp = Points(m, PointOptions{})[0]
	if kp.Text != "Chad capital: N'Djamena" {
		t.Errorf("structured Text = %q; want %q", kp.Text, "Chad capital: N'Djamena")
	}
	if kp.Subject != "Chad" || kp.Claim().Subject != "Chad" {
		t.Errorf("Subject = %q, claim's %q; want Chad", kp.Subject, kp.Claim().Subject)
	}
	// A subject inside the answer is not a key term, so not the claim's.
	m.Item.Subject, m.Item.Question = "Bolivia", "What is the full official name of Bolivia?"
	m.Item.Choices, m.Item.Aliases = []string{"Plurinational State of Bolivia", "Republic of Chad"}, nil
	if kp = Points(m, PointOptions{})[0]; kp.Subject != "" {
		t.Errorf("Subject = %q with the subject inside the answer; want none", kp.Subject)
	}
}

// scripted is a Generator returning fixed replies and recording prompts.
type scripted struct {
	reply   string
	err     error
	prompts []string
}

func (s *scripted) Generate(_ context.Context, reqs []model.GenerateRequest) ([]string, error) {
	for _, r := range reqs {
		s.prompts = append(s.prompts, r.Prompt)
	}
	if s.err != nil {
		return nil, s.err
	}
	return []string{s.reply}, nil
}

func TestLLM(t *testing.T) {
	m := Mistake{Item: exam.Item{ID: "q1", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}}}
	tests := []struct {
		name  string
		reply string
		want  []string
	}{
		{"bullets and numbers", "1. capital of Chad\n- N'Djamena city\n* \"Chad republic Africa\"\n\n2) capital of chad\n", []string{"capital of Chad", "N'Djamena city", "Chad republic Africa"}},
		{"empty reply falls back", "\n \n", []string{"N'Djamena", "Chad capital N'Djamena", "Chad capital"}},
		{"overlong line skipped", "one two three four five six seven eight nine ten eleven twelve thirteen\nChad", []string{"Chad"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &scripted{reply: tt.reply}
			kps, err := LLM{Model: g, Template: "Q={{.Question}} A={{.Answer}} C={{.Choices}} N={{.Max}}"}.Extract(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			if got := queryTexts(kps[0].Queries); !slices.Equal(got, tt.want) {
				t.Errorf("queries = %q; want %q", got, tt.want)
			}
			if want := "Q=What is the capital of Chad? A=N'Djamena C=none N=5"; g.prompts[0] != want {
				t.Errorf("prompt = %q; want %q", g.prompts[0], want)
			}
		})
	}
	_, err := LLM{Model: &scripted{err: errors.New("boom")}}.Extract(context.Background(), m)
	if err == nil || !strings.Contains(err.Error(), "q1") {
		t.Errorf("error = %v; want one naming item q1", err)
	}
}

// TestKeyTermsQuiz checks the extractor on the bsdgames Africa capitals:
// every country name must be a key term of "What is the capital of X?".
func TestKeyTermsQuiz(t *testing.T) {
	f, err := os.Open(filepath.Join(demotest.Paths(t).QuizDir(), "africa"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		country, capital, ok := strings.Cut(sc.Text(), ":")
		if !ok || strings.ContainsAny(country, "{[|") || strings.ContainsAny(capital, "{[|") {
			continue // skip quiz-pattern lines; plain ones suffice here
		}
		it := exam.Item{Question: "What is the capital of " + country + "?", Answer: exam.Answer{Index: -1, Text: capital}}
		terms := KeyTerms(it, capital, 6)
		if country != capital && (len(terms) == 0 || terms[0] != country) {
			t.Errorf("KeyTerms(%q) = %q; want %q first", it.Question, terms, country)
		}
		n++
	}
	if n < 30 {
		t.Errorf("read %d plain lines from the africa quiz; want at least 30", n)
	}
}

func TestTemplatesAndExtractorNames(t *testing.T) {
	if err := CheckTemplate(DefaultTemplate); err != nil || !strings.Contains(DefaultTemplate, "{{.Answer}}") {
		t.Errorf("built-in template (prompts/extract.tmpl) = %q, check %v; want a valid template", DefaultTemplate, err)
	}
	for _, bad := range []string{"", "  \n", "queries about {{.Answer}}", "{{.Question}} {{.Colour}}", "{{.Question"} {
		if CheckTemplate(bad) == nil {
			t.Errorf("CheckTemplate(%q) = nil; want an error", bad)
		}
	}
	m := Mistake{Item: exam.Item{ID: "q", Question: "What is the capital of Chad?", Answer: exam.OpenAnswer("N'Djamena")}}
	kps, _ := Heuristic{}.Extract(context.Background(), m)
	if kps[0].By != ByHeuristic {
		t.Errorf("heuristic point by %q; want %q", kps[0].By, ByHeuristic)
	}
	llm := func(reply string) string {
		g := &modeltest.Scripted{GenerateFunc: func(model.GenerateRequest) (string, error) { return reply, nil }}
		kps, err := LLM{Model: g}.Extract(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		return kps[0].By
	}
	if by := llm("Chad capital city\n"); by != ByLLM {
		t.Errorf("LLM point by %q; want %q", by, ByLLM)
	}
	if by := llm("\n\n"); by != ByHeuristic {
		t.Errorf("LLM point with an unusable reply by %q; want %q (the heuristic queries kept)", by, ByHeuristic)
	}
}

func TestMineSuites(t *testing.T) {
	a := SuiteResults{Name: "a", Items: []exam.Item{{ID: "x", Weight: 1}, {ID: "y", Weight: 2}},
		Results: []exam.Result{{ID: "x", Prediction: "px"}, {ID: "y"}}}
	b := SuiteResults{Name: "b", Items: []exam.Item{{ID: "x", Weight: 2}, {ID: "z", Weight: 1}},
		Results: []exam.Result{{ID: "x"}, {ID: "z", Correct: true, Scores: []float64{-1, -1.1}, Margin: 0.05}}}
	key := func(ms []Mistake) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Suite+"/"+m.Item.ID+"/"+string(m.Kind))
		}
		return out
	}
	all := MineSuites([]SuiteResults{a, b}, MineOptions{})
	if got, want := key(all), []string{"a/y/wrong", "b/x/wrong", "a/x/wrong", "b/z/uncertain"}; !slices.Equal(got, want) {
		t.Errorf("MineSuites = %q, want %q", got, want)
	}
	if all[2].Prediction != "px" {
		t.Errorf("prediction of a/x = %q, want px", all[2].Prediction)
	}
	if got, want := key(MineSuites([]SuiteResults{a, b}, MineOptions{Budget: 3})), []string{"a/y/wrong", "b/x/wrong", "a/x/wrong"}; !slices.Equal(got, want) {
		t.Errorf("MineSuites with budget 3 = %q, want %q", got, want)
	}
}

func TestPlanNamesItemAndExtractor(t *testing.T) {
	ms := []Mistake{{Item: exam.Item{ID: "q1", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}}}}
	qs, err := Plan(context.Background(), Heuristic{}, ms)
	if err != nil || len(qs) == 0 {
		t.Fatalf("Plan = %v, %v", qs, err)
	}
	for _, q := range qs {
		if q.MistakeID != "q1" || q.Claim.ItemID != "q1" || q.Claim.Answer != "N'Djamena" || q.Extractor != ByHeuristic || q.Text == "" {
			t.Errorf("query %+v", q)
		}
	}
}

func TestDraw(t *testing.T) {
	var items []exam.Item
	for _, c := range []string{"Chad", "Mali", "Niger", "Togo", "Benin", "Ghana", "Kenya", "Peru"} {
		items = append(items, mc(strings.ToLower(c), "Capital of "+c+"?", 0, "X", "Y"))
	}
	suites := []SuiteResults{{Name: "exam", Items: items[:5]}, {Name: "more", Items: items[5:],
		Results: []exam.Result{{ID: "kenya", Prediction: "Y"}}}}
	ids := func(ms []Mistake) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Suite+"/"+m.Item.ID)
		}
		return out
	}
	got := Draw(suites, 3, 7)
	if len(got) != 3 {
		t.Fatalf("Draw(3) = %v; want 3 items", ids(got))
	}
	if again := Draw(suites, 3, 7); !slices.Equal(ids(again), ids(got)) {
		t.Errorf("Draw seed 7 = %v, then %v; want the same draw", ids(got), ids(again))
	}
	seen := map[string]bool{}
	for _, m := range got {
		if m.Kind != Drawn || seen[m.Item.ID] {
			t.Errorf("drawn %+v; want kind drawn, no repeats", m)
		}
		seen[m.Item.ID] = true
	}
	differs := false
	for seed := int64(1); seed < 20 && !differs; seed++ {
		differs = !slices.Equal(ids(Draw(suites, 3, seed)), ids(got))
	}
	if !differs {
		t.Errorf("Draw gave %v for every seed; want the seed to change the draw", ids(got))
	}
	all := Draw(suites, 20, 1)
	if len(all) != len(items) {
		t.Errorf("Draw(20) of %d items = %d; want all", len(items), len(all))
	}
	for _, m := range all {
		if m.Item.ID == "kenya" && (m.Suite != "more" || m.Prediction != "Y") {
			t.Errorf("kenya = %+v; want suite more, prediction Y", m)
		}
	}
	if n := len(Draw(suites, 0, 1)); n != 0 {
		t.Errorf("Draw(0) = %d items; want none", n)
	}
}
