package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/modeltest"
	"github.com/cemlab/cem/trainset"
)

// helperReply is the toy helper's answer: search queries for extraction
// prompts (named after the prompt's question), questions for writing ones.
func helperReply(prompt string) string {
	switch {
	case strings.Contains(prompt, "Queries:") || strings.Contains(prompt, "CUSTOM-EXTRACT"):
		q := "unknown"
		if _, rest, ok := strings.Cut(prompt, "Question: "); ok {
			q, _, _ = strings.Cut(rest, "\n")
		}
		subject := strings.TrimSuffix(strings.TrimPrefix(q, "What is the capital of "), "?")
		return fmt.Sprintf("1. %s capital city\n- \"seat of government of %s\"\n%s capital city\n", subject, subject, subject)
	case strings.Contains(prompt, "Passage:"):
		return "Q: Which city governs the landlocked republic in this passage?\nQ: Where does this passage say the government sits?\n"
	}
	return " ok"
}

var capitals = [][2]string{{"Chad", "N'Djamena"}, {"Mali", "Bamako"}, {"Niger", "Niamey"}, {"Peru", "Lima"},
	{"Chile", "Santiago"}, {"Nepal", "Kathmandu"}, {"Laos", "Vientiane"}, {"Oman", "Muscat"}}

// capitalSuite is a multiple-choice exam on capitals.
func capitalSuite() loop.Suite {
	var items []exam.Item
	for i, c := range capitals {
		other := capitals[(i+1)%len(capitals)][1]
		third := capitals[(i+2)%len(capitals)][1]
		items = append(items, exam.Item{ID: fmt.Sprintf("q%d", i), Question: "What is the capital of " + c[0] + "?",
			Choices: []string{other, c[1], third}, Answer: exam.Answer{Index: 1}, Subject: c[0], Relation: "capital", Object: c[1]})
	}
	return loop.Suite{Name: "exam", Role: config.RoleExam, Items: items}
}

func capitalSource() fakeSource {
	var ps []knowledge.Passage
	for i, c := range capitals {
		ps = append(ps, knowledge.Passage{ID: fmt.Sprintf("wordnet:%d", i), Source: "wordnet", Title: c[0],
			Text: c[0] + ": a republic whose capital and largest city is " + c[1], License: "WordNet-3.0"})
	}
	return fakeSource{passages: ps}
}

// helperConfig is a run config with the model and the helper both on
// srv (the openai backend), plus extra YAML lines for the helper.
func helperConfig(t *testing.T, srv *modeltest.Server, helperExtra string) *config.Config {
	t.Helper()
	y := fmt.Sprintf(`rounds: 1
model: {backend: openai, base_url: %q, name: toy}
trainer: {backend: command, command: "true", name: toy} # replaced by sameTrainer
suites:
  - {name: exam, path: exam.jsonl, role: exam}
mistakes: {uncertain_margin: 10}
helper:
  backend: openai
  base_url: %q
  name: toy
  price: {prompt_per_1k: 1, completion_per_1k: 2}
%s`, srv.BaseURL(), srv.BaseURL(), helperExtra)
	c, err := config.Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sameTrainer "trains" by returning the model it was given.
type sameTrainer struct{}

func (sameTrainer) Train(_ context.Context, from model.Ref, _ model.TrainSet) (model.Ref, error) {
	return from, nil
}

func runHelperRound(t *testing.T, cfg *config.Config, dir string) (*rundir.Summary, []mistake.Query, []rundir.Manifest) {
	t.Helper()
	suites := []loop.Suite{capitalSuite()}
	st, err := New(Options{Config: cfg, Source: capitalSource(), Corpus: []knowledge.Passage{}, Suites: suites})
	if err != nil {
		t.Fatal(err)
	}
	st.Trainer = sameTrainer{}
	sum, err := loop.Run(context.Background(), loop.Options{Dir: dir, Config: cfg, Suites: suites, Base: BaseRef(cfg.Model), Workers: st})
	if err != nil {
		t.Fatal(err)
	}
	qs, err := rundir.ReadJSONL[mistake.Query](filepath.Join(dir, "round-1", rundir.StageQueries+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var mans []rundir.Manifest
	for _, stage := range []string{rundir.StageQueries, rundir.StageTrainset} {
		var m rundir.Manifest
		data, err := os.ReadFile(filepath.Join(dir, "round-1", stage+".manifest.json"))
		if err == nil {
			err = json.Unmarshal(data, &m)
		}
		if err != nil {
			t.Fatal(err)
		}
		mans = append(mans, m)
	}
	return sum, qs, mans
}

func TestHelperExtractsQueriesInARound(t *testing.T) {
	srv := modeltest.NewServer(t, &modeltest.Toy{Reply: helperReply}, modeltest.Faults{})
	cfg := helperConfig(t, srv, "")
	dir := t.TempDir()
	sum, qs, mans := runHelperRound(t, cfg, dir)

	if len(qs) == 0 {
		t.Fatal("no queries")
	}
	mined := map[string]bool{}
	for _, q := range qs {
		mined[q.MistakeID] = true
		var subject string
		for i, c := range capitals {
			if q.MistakeID == fmt.Sprintf("q%d", i) {
				subject = c[0]
			}
		}
		// The reply's three lines parse into two distinct queries.
		if q.Extractor != "llm:toy" {
			t.Errorf("query %q of %s: extractor %q; want llm:toy", q.Text, q.MistakeID, q.Extractor)
		}
		if want := []string{subject + " capital city", "seat of government of " + subject}; !slices.Contains(want, q.Text) {
			t.Errorf("query %q of %s; want one of %q (parsed from the helper's reply)", q.Text, q.MistakeID, want)
		}
	}
	if len(qs) != 2*len(mined) {
		t.Errorf("%d queries for %d mistakes; want 2 each", len(qs), len(mined))
	}
	var prompts int
	for _, r := range srv.Requests() {
		if r.Path == "/v1/chat/completions" && strings.Contains(string(r.Body), "A student answered this exam question wrongly") {
			prompts++
		}
	}
	if prompts != len(mined) {
		t.Errorf("%d extraction prompts sent; want one per mistake (%d)", prompts, len(mined))
	}

	// Usage: the round's metrics count the helper's requests and the
	// model's exam, and the queries stage's manifest holds its share.
	r1 := sum.Rounds[1]
	t.Logf("%d mistakes, %d queries, round 1 usage %+v", len(mined), len(qs), r1.Usage)
	h := r1.Usage["helper/extract"]
	if h.Requests != len(mined) || h.PromptTokens == 0 || h.CompletionTokens == 0 {
		t.Errorf("round 1 helper/extract usage = %+v; want %d requests with tokens", h, len(mined))
	}
	if want := (float64(h.PromptTokens)*1 + float64(h.CompletionTokens)*2) / 1000; h.Cost < want*0.999 || h.Cost > want*1.001 {
		t.Errorf("helper cost = %v; want %v from the configured price", h.Cost, want)
	}
	if m := r1.Usage["model"]; m.Requests == 0 {
		t.Errorf("round 1 model usage = %+v; want the re-exam's requests", m)
	}
	if m := sum.Rounds[0].Usage["model"]; m.Requests == 0 || sum.Rounds[0].Usage["helper/extract"].Requests != 0 {
		t.Errorf("round 0 usage = %+v; want the exam only", sum.Rounds[0].Usage)
	}
	if got := mans[0].Usage["helper/extract"]; got != h {
		t.Errorf("queries manifest usage = %+v; want the round's helper usage %+v", got, h)
	}

	// Resume: nothing is redone, the usage is read back from the manifests.
	before := len(srv.Requests())
	sum2, _, _ := runHelperRound(t, cfg, dir)
	if n := len(srv.Requests()) - before; n != 0 {
		t.Errorf("resumed run sent %d requests; want 0", n)
	}
	if got := sum2.Rounds[1].Usage["helper/extract"]; got != h {
		t.Errorf("resumed round 1 usage = %+v; want %+v", got, h)
	}

	// A custom prompt file changes the queries stage's input hash: the
	// stage is redone with the new prompt.
	tpl := filepath.Join(t.TempDir(), "extract.tmpl")
	if err := os.WriteFile(tpl, []byte("CUSTOM-EXTRACT\nQuestion: {{.Question}}\nAnswer: {{.Answer}}\nOptions: {{.Choices}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Helper.Prompts.Extract = tpl
	before = len(srv.Requests())
	_, qs3, _ := runHelperRound(t, cfg, dir)
	var custom int
	for _, r := range srv.Requests()[before:] {
		if strings.Contains(string(r.Body), "CUSTOM-EXTRACT") {
			custom++
			if strings.Contains(string(r.Body), "A student answered") {
				t.Errorf("custom prompt request still holds the built-in template: %s", r.Body)
			}
		}
	}
	if custom != len(mined) {
		t.Errorf("%d requests with the custom prompt; want %d (the queries stage redone)", custom, len(mined))
	}
	if len(qs3) != len(qs) || qs3[0].Extractor != "llm:toy" {
		t.Errorf("queries with the custom prompt = %d (first %+v); want %d from the helper", len(qs3), qs3[0], len(qs))
	}
}

func TestHelperWritesQuestions(t *testing.T) {
	srv := modeltest.NewServer(t, &modeltest.Toy{Reply: helperReply}, modeltest.Faults{})
	tpl := filepath.Join(t.TempDir(), "write.tmpl")
	if err := os.WriteFile(tpl, []byte("CUSTOM-WRITE\nPassage: {{.Passage}}\nAnswer: {{.Answer}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := helperConfig(t, srv, "  extract: false\n  write: true\n  prompts: {write: "+tpl+"}\n")
	st, err := New(Options{Config: cfg, Source: capitalSource(), Corpus: []knowledge.Passage{}})
	if err != nil {
		t.Fatal(err)
	}
	if p := st.Planner.(Planner); p.Extractor != nil || p.Fingerprint() != "" {
		t.Errorf("planner = %+v; want the heuristic when extract is false", st.Planner)
	}
	item := capitalSuite().Items[0]
	ev := curate.Candidate{MistakeID: item.ID, Claim: curate.Claim{ItemID: item.ID, Answer: "N'Djamena"},
		Hit: knowledge.Hit{Passage: capitalSource().passages[0]}}
	set, err := st.Builder.Build(context.Background(), loop.BuildInput{Round: 1, Seed: 3,
		Mistakes: []mistake.Mistake{{Item: item, Suite: "exam"}}, Evidence: []curate.Candidate{ev}})
	if err != nil {
		t.Fatal(err)
	}
	man := set.Manifest.(trainset.Manifest)
	writers := map[string]int{}
	for _, p := range man.Provenance {
		if p.Kind == trainset.KindNormative || p.Kind == trainset.KindExtractive {
			writers[p.Kind+"/"+p.Writer]++
		}
	}
	if writers["normative/llm"] == 0 || writers["extractive/llm"] == 0 || writers["extractive/template"] != 0 || writers["normative/template"] == 0 {
		t.Errorf("writers of the examples = %v; want llm-written normative and extractive examples beside template ones", writers)
	}
	var found bool
	for _, e := range set.Examples {
		if strings.Contains(e.Prompt, "Which city governs the landlocked republic in this passage?") {
			found = true
		}
	}
	if !found {
		t.Error("no example holds the helper's question")
	}
	reqs := srv.Requests()
	var write, paraphrase int
	for _, r := range reqs {
		write += strings.Count(string(r.Body), "CUSTOM-WRITE")
		paraphrase += strings.Count(string(r.Body), "Entities: ")
	}
	if len(reqs) != 2 || write != 1 || paraphrase != 1 {
		t.Errorf("requests = %d (first %q); want one with the custom write prompt and one with the built-in paraphrase prompt", len(reqs), firstBody(reqs))
	}
	u := st.Meter.Usage()
	if u["helper/write"].Requests != 1 || u["helper/paraphrase"].Requests != 1 {
		t.Errorf("helper usage = %+v; want 1 write and 1 paraphrase request", u)
	}
	fp := st.Builder.(*Builder).Fingerprint()
	cfg.Helper.Prompts.Write = ""
	st2, err := New(Options{Config: cfg, Source: capitalSource(), Corpus: []knowledge.Passage{}})
	if err != nil {
		t.Fatal(err)
	}
	if fp == "" || st2.Builder.(*Builder).Fingerprint() == fp {
		t.Errorf("builder fingerprint %q unchanged by the write prompt; want a change", fp)
	}
}

func firstBody(reqs []modeltest.Request) string {
	if len(reqs) == 0 {
		return ""
	}
	return string(reqs[0].Body)
}

func TestHelperConfigErrors(t *testing.T) {
	base := "model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\nhelper:\n"
	tests := []struct {
		name, yaml, key string
	}{
		{"no backend", "  name: x\n", "helper.backend"},
		{"bad backend", "  backend: command\n", "helper.backend"},
		{"openai without url", "  backend: openai\n  name: x\n", "helper.base_url"},
		{"openai bad url", "  backend: openai\n  name: x\n  base_url: localhost:8000\n", "helper.base_url"},
		{"openai without name", "  backend: openai\n  base_url: http://h/v1\n", "helper.name"},
		{"native without path", "  backend: native\n", "helper.path"},
		{"native with url", "  backend: native\n  path: m\n  base_url: http://h/v1\n", "helper.base_url"},
		{"unknown key", "  backend: native\n  path: m\n  temperature: 2\n", "temperature"},
		{"negative price", "  backend: openai\n  name: x\n  base_url: http://h/v1\n  price: {prompt_per_1k: -1}\n", "helper.price.prompt_per_1k"},
		{"write prompt without write", "  backend: native\n  path: m\n  prompts: {write: w.tmpl}\n", "helper.prompts.write"},
		{"bad extract type", "  backend: native\n  path: m\n  extract: sometimes\n", "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(base + tt.yaml))
			var fe *config.FieldError
			if !errors.As(err, &fe) || fe.Key != tt.key {
				t.Fatalf("Parse error = %v; want one naming %s", err, tt.key)
			}
			if fe.Line == 0 {
				t.Errorf("error %v has no line", err)
			}
		})
	}

	// Prompt files are read by New: a missing file or a template without
	// the question names the key.
	srv := modeltest.NewServer(t, nil, modeltest.Faults{})
	dir := t.TempDir()
	noQuestion := filepath.Join(dir, "bad.tmpl")
	if err := os.WriteFile(noQuestion, []byte("Write queries for {{.Answer}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ extra, key, part string }{
		{"  prompts: {extract: " + filepath.Join(dir, "missing.tmpl") + "}\n", "helper.prompts.extract", "missing.tmpl"},
		{"  prompts: {extract: " + noQuestion + "}\n", "helper.prompts.extract", "{{.Question}}"},
		{"  api_key_env: CEM_TEST_UNSET_HELPER_KEY\n", "helper", "CEM_TEST_UNSET_HELPER_KEY"},
	} {
		cfg := helperConfig(t, srv, tt.extra)
		_, err := New(Options{Config: cfg, Source: capitalSource(), Corpus: []knowledge.Passage{}})
		var fe *config.FieldError
		if !errors.As(err, &fe) || fe.Key != tt.key || !strings.Contains(err.Error(), tt.part) {
			t.Errorf("New error = %v; want one naming %s and %q", err, tt.key, tt.part)
		}
	}
}

func TestNoHelperKeepsHeuristics(t *testing.T) {
	c, err := config.Parse([]byte("model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\n"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := New(Options{Config: c, Source: capitalSource(), Corpus: []knowledge.Passage{}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Meter != nil || st.Planner.(Planner).Extractor != nil || st.Builder.(*Builder).Trainset.Writer != nil {
		t.Errorf("stages without a helper: meter %v, extractor %v, writer %v; want none", st.Meter,
			st.Planner.(Planner).Extractor, st.Builder.(*Builder).Trainset.Writer)
	}
	item := capitalSuite().Items[0]
	qs, err := st.Planner.Plan(context.Background(), []mistake.Mistake{{Item: item, Suite: "exam"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) == 0 || qs[0].Extractor != "heuristic" {
		t.Errorf("queries = %+v; want heuristic ones", qs)
	}
}
