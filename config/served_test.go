package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const servedBase = "suites:\n  - {path: e.jsonl, role: exam}\n"

// TestRoundsZeroIsExamOnly: rounds: 0 is a value, an absent key the default.
func TestRoundsZeroIsExamOnly(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want int
	}{
		{"rounds: 0\nmodel: {backend: openai, base_url: http://h/v1, name: m}\n" + servedBase, 0},
		{"model: {path: m}\n" + servedBase, 3},
		{"rounds: 2\nmodel: {path: m}\n" + servedBase, 2},
	} {
		c, err := Parse([]byte(tt.doc))
		if err != nil {
			t.Fatalf("%q: %v", tt.doc, err)
		}
		if c.Rounds != tt.want || c.ExamOnly() != (tt.want == 0) {
			t.Errorf("%q: rounds %d exam-only %v; want %d", tt.doc, c.Rounds, c.ExamOnly(), tt.want)
		}
	}
}

// TestServedKeysReachTheConfig decodes every openai and exam key.
func TestServedKeysReachTheConfig(t *testing.T) {
	doc := `model:
  backend: openai
  base_url: http://127.0.0.1:8080/v1
  name: m
  prompt_template: "<|user|>{{.Prompt}}<|assistant|>"
  score_mode: letter
  generate_mode: completions
  concurrency: 8
  timeout: 30s
  max_retries: -1
  cache_dir: cache
  headers: {X-Tenant: team}
exam: {mode: letter, scoring: sum, max_failures: 0}
trainer: {backend: command, command: "train {{.Data}}"}
deploy: {command: "deploy {{.Artifact}}", timeout: 1m}
` + servedBase
	c, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	o := c.Model.OpenAIOptions
	if o.ScoreMode != "letter" || o.GenerateMode != "completions" || o.Concurrency != 8 || o.Timeout != 30*time.Second ||
		o.MaxRetries != -1 || o.CacheDir != "cache" || o.Headers["X-Tenant"] != "team" || !strings.Contains(o.PromptTemplate, "<|user|>") {
		t.Errorf("model openai options = %+v", o)
	}
	if c.Exam.Mode != ExamLetter || c.Exam.Scoring != ScoringSum || *c.Exam.MaxFailures != 0 {
		t.Errorf("exam = %+v", c.Exam)
	}
	if c.Deploy.Name != "m" || c.Deploy.Timeout != time.Minute {
		t.Errorf("deploy defaults = %+v; want name m (model.name), timeout 1m", c.Deploy)
	}
}

// TestServedCombinationsThatCannotRun are rejected at load, by key and line.
func TestServedCombinationsThatCannotRun(t *testing.T) {
	const oa = "model:\n  backend: openai\n  base_url: http://h/v1\n  name: m\n"
	for _, tt := range []struct{ doc, key, msg string }{
		{oa + "trainer: {epochs: 1}\n" + servedBase, "trainer.backend", "no deploy step"},
		{"model: {path: m, score_mode: letter}\n" + servedBase, "model.score_mode", "only the openai backend"},
		{"model: {path: m}\ndeploy: {command: x}\n" + servedBase, "deploy", "model.backend is native"},
		{"model: {path: m, revision: r1}\n" + servedBase, "model.revision", "only the openai backend"},
		{oa + "  score_mode: sometimes\n" + servedBase, "model.score_mode", "unknown mode"},
		{oa + "  prompt_template: \"hello\"\nrounds: 0\n" + servedBase, "model.prompt_template", "never uses"},
		{oa + "  score_mode: letter\nrounds: 0\nexam: {mode: likelihood}\n" + servedBase, "exam.mode", "score_mode is letter"},
		{"model: {path: m}\nexam: {mode: vibes}\n" + servedBase, "exam.mode", "unknown mode"},
		{oa + "deploy: {command: \"\"}\n" + servedBase, "deploy.command", "missing"},
	} {
		_, err := Parse([]byte(tt.doc))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Key != tt.key || !strings.Contains(fe.Msg, tt.msg) || fe.Line == 0 {
			t.Errorf("%q: error %v; want key %s with line, saying %q", tt.doc, err, tt.key, tt.msg)
		}
	}
	// An exam-only openai config needs no trainer, index or deploy step.
	if _, err := Parse([]byte(oa + "rounds: 0\n" + servedBase)); err != nil {
		t.Errorf("exam-only openai config: %v", err)
	}
}
