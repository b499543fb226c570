package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestExampleParses(t *testing.T) {
	c, err := Parse(Example())
	if err != nil {
		t.Fatalf("Parse(Example()) = %v; want nil", err)
	}
	if c.Rounds != 3 || c.Seed != 1 || len(c.Suites) != 4 {
		t.Errorf("example = rounds %d seed %d suites %d; want 3, 1, 4", c.Rounds, c.Seed, len(c.Suites))
	}
	if got := c.Sources.PerSource["wordnet"]; got != 2 {
		t.Errorf("per_source.wordnet = %d; want 2", got)
	}
	if *c.Gate.MaxForgetting != 2 || *c.Gate.MaxBroken != -1 {
		t.Errorf("gate = %v, %v; want 2, -1", *c.Gate.MaxForgetting, *c.Gate.MaxBroken)
	}
}

func TestZeroValueDefaults(t *testing.T) {
	var c Config
	c.ApplyDefaults()
	if c.Name != "cem" || c.Seed != 1 || c.Rounds != 3 || c.Model.Backend != BackendNative {
		t.Errorf("defaults = %+v", c)
	}
	if !reflect.ValueOf(c.Mix).IsZero() {
		t.Errorf("default mix = %+v; want zero (the trainset default)", c.Mix)
	}
	before := c
	c.ApplyDefaults()
	if before.Gate.MaxForgetting != c.Gate.MaxForgetting || before.Name != c.Name {
		t.Errorf("ApplyDefaults is not idempotent")
	}
}

func TestParseErrors(t *testing.T) {
	base := "model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\n"
	oa := "model: {backend: openai, base_url: \"http://127.0.0.1:1/v1\", name: gpt-4o-mini-2024-07-18}\nsuites:\n  - {path: e.jsonl, role: exam}\n"
	testFieldErrors(t, "", []fieldCase{
		{"unknown top key", base + "roundz: 3\n", "roundz", 4, "unknown key"},
		{"unknown nested key", "model:\n  path: m\n  colour: red\nsuites:\n  - {path: e.jsonl, role: exam}\n", "colour", 3, "unknown key"},
		{"wrong type", base + "rounds: many\n", "config", 4, "cannot unmarshal"},
		{"wrong type in a list", "model: {path: m}\nsuites:\n  - path: e.jsonl\n    role: exam\n    name: [1]\n", "config", 5, "cannot unmarshal"},
		{"unknown key in a list entry", "model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam, weight: x}\n", "weight", 3, "unknown key"},
		{"syntax error", "model: {path: m\n", "config", 1, "did not find expected"},
		{"bad role", "model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\n  - path: x.jsonl\n    role: quiz\n", "suites[1].role", 5, "unknown role"},
		{"no exam suite", "model: {path: m}\nsuites:\n  - {path: e.jsonl, role: general}\n", "suites", 2, "role exam"},
		{"bad baseline", base + "baseline: lucky\n", "baseline", 4, "unknown mode"},
		{"scale on an unscalable baseline", base + "baseline: untargeted\nbaseline_scale: 2\n", "baseline_scale", 5, "only the random"},
		{"negative scale", base + "baseline: random-evidence\nbaseline_scale: -1\n", "baseline_scale", 5, "only the random"},
		{"bad backend", "model: {path: m, backend: gpt}\nsuites:\n  - {path: e.jsonl, role: exam}\n", "model.backend", 1, "unknown backend"},
		{"negative k", base + "sources:\n  k: -1\n", "sources.k", 5, ">= 0"},
		{"bad scoring", base + "exam:\n  scoring: median\n", "exam.scoring", 5, "mean, sum, pmi"},
		{"per-item range", base + "curation:\n  max_per_item: -2\n", "curation.max_per_item", 5, ">= 0"},
		{"replay share", base + "mix:\n  replay: 0.95\n", "mix.replay", 5, "[0, 0.9]"},
		{"weight of no kind", base + "mix:\n  weights:\n    definitions: 2\n", "mix.weights.definitions", 6, "unknown example kind"},
		{"negative weight", base + "mix:\n  weights: {general: -1}\n", "mix.weights.general", 5, ">= 0"},
		{"command needs a line", "model: {path: m}\ntrainer: {backend: command}\nsuites:\n  - {path: e.jsonl, role: exam}\n", "trainer.command", 2, "command line"},
		{"native needs path", "suites:\n  - {path: e.jsonl, role: exam}\n", "model.path", 0, "checkpoint"},
		{"slurm needs a line", "model: {path: m}\ntrainer: {backend: slurm}\nsuites:\n  - {path: e.jsonl, role: exam}\n", "trainer.command", 2, "slurm backend"},
		{"slurm unknown key", base + "trainer:\n  backend: slurm\n  command: x\n  slurm:\n    gpu: 1\n", "gpu", 8, "unknown key"},
		{"slurm negative gpus", base + "trainer:\n  backend: slurm\n  command: x\n  slurm:\n    gpus: -1\n", "trainer.slurm.gpus", 8, ">= 0"},
		{"slurm spaced mem", base + "trainer:\n  backend: slurm\n  command: x\n  slurm: {mem: 16 G}\n", "trainer.slurm.mem", 7, "white space"},
		{"slurm extra line", base + "trainer:\n  backend: slurm\n  command: x\n  slurm:\n    extra: [\"#SBATCH\"]\n", "trainer.slurm.extra[0]", 8, "one #SBATCH option"},
		{"slurm section without backend", base + "trainer:\n  command: x\n  slurm: {gpus: 1}\n", "trainer.slurm", 6, "want slurm"},
		{"openai trainer needs an openai model", base + "trainer: {backend: openai}\n", "trainer.backend", 4, "model.backend: openai"},
		{"openai negative epochs", oa + "trainer:\n  backend: openai\n  openai:\n    n_epochs: -1\n", "trainer.openai.n_epochs", 7, ">= 0"},
		{"openai bad suffix", oa + "trainer:\n  backend: openai\n  openai: {suffix: my run}\n", "trainer.openai.suffix", 6, "A-Z"},
		{"openai bad base_url", oa + "trainer:\n  backend: openai\n  openai:\n    base_url: api.openai.com\n", "trainer.openai.base_url", 7, "http(s) URL"},
		{"openai bad poll", oa + "trainer:\n  backend: openai\n  openai:\n    poll: often\n", "config", 7, "time.Duration"},
		{"openai unknown key", oa + "trainer:\n  backend: openai\n  openai:\n    epochs: 3\n", "epochs", 7, "unknown key"},
		{"openai section without backend", base + "trainer:\n  openai: {n_epochs: 2}\n", "trainer.openai", 5, "want openai"},
	})
}

func TestLoadResolvesPathsAndNamesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(path, []byte("model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "e.jsonl"); c.Suites[0].Path != want {
		t.Errorf("suite path = %q; want %q", c.Suites[0].Path, want)
	}
	if c.Suites[0].Name != "exam" {
		t.Errorf("suite name = %q; want the role, exam", c.Suites[0].Name)
	}
	if err := os.WriteFile(path, []byte("rounds: -2\nmodel: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":1: rounds:") {
		t.Errorf("Load error = %v; want it to start with %s:1: rounds:", err, path)
	}
}

// uncommentHelper returns the example with its helper section switched on.
func uncommentHelper(t *testing.T) []byte {
	t.Helper()
	var out []string
	in := false
	for _, line := range strings.Split(string(Example()), "\n") {
		if strings.HasPrefix(line, "# helper:") {
			in = true
		}
		if in && strings.HasPrefix(line, "# ") {
			line = line[2:]
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue // alternatives inside the section stay comments
			}
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n"))
}

func TestHelperSection(t *testing.T) {
	c, err := Parse(Example())
	if err != nil {
		t.Fatal(err)
	}
	if c.Helper != nil || c.Extracts() || c.Writes() {
		t.Errorf("example helper = %+v; want none (the heuristics are the default)", c.Helper)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "cem.yaml")
	if err := os.WriteFile(path, uncommentHelper(t), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Load(path)
	if err != nil {
		t.Fatalf("example with the helper section on: %v", err)
	}
	h := c.Helper
	if h == nil || h.Backend != BackendOpenAI || h.Name != "my-helper" || !c.Extracts() || c.Writes() {
		t.Fatalf("helper = %+v; want the example's openai helper extracting, not writing", h)
	}
	if want := filepath.Join(dir, "prompts", "extract.tmpl"); h.Prompts.Extract != want {
		t.Errorf("prompts.extract = %q; want %q (resolved against the config file)", h.Prompts.Extract, want)
	}
	c, err = Parse([]byte("model: {path: m}\nsuites:\n  - {path: e.jsonl, role: exam}\nhelper: {backend: native, path: h}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Extracts() || c.Writes() {
		t.Errorf("helper defaults: extract %v write %v; want true, false", c.Extracts(), c.Writes())
	}
}

// TestLoadRelativeConfigMakesEveryPathAbsolute loads a config by a
// relative path: every path key must come back absolute, against the
// config file's folder, whatever the working directory.
func TestLoadRelativeConfigMakesEveryPathAbsolute(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "fx")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	const yaml = `model: {path: base}
suites:
  - {name: exam, path: suites/exam.jsonl, role: exam}
  - {name: heldout, path: /abs/heldout.jsonl, role: heldout}
sources: {index: index/bm25.idx}
mix: {general_examples: general.jsonl}
helper:
  backend: native
  path: helper
  write: true
  prompts: {extract: prompts/extract.tmpl, write: prompts/write.tmpl, paraphrase: prompts/paraphrase.tmpl}
`
	if err := os.WriteFile(filepath.Join(sub, "good.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"model.path": filepath.Join(sub, "base"), "suites[0].path": filepath.Join(sub, "suites", "exam.jsonl"),
		"suites[1].path": "/abs/heldout.jsonl", "sources.index": filepath.Join(sub, "index", "bm25.idx"),
		"mix.general_examples": filepath.Join(sub, "general.jsonl"), "helper.path": filepath.Join(sub, "helper"),
		"helper.prompts.extract":    filepath.Join(sub, "prompts", "extract.tmpl"),
		"helper.prompts.write":      filepath.Join(sub, "prompts", "write.tmpl"),
		"helper.prompts.paraphrase": filepath.Join(sub, "prompts", "paraphrase.tmpl"),
		"model.cache_dir":           "", "helper.cache_dir": "", // native model and helper: no cache
	}
	for _, tt := range []struct{ wd, path string }{{sub, "good.yaml"}, {root, filepath.Join("fx", "good.yaml")}, {sub, filepath.Join("..", "fx", "good.yaml")}} {
		t.Run(tt.path, func(t *testing.T) {
			t.Chdir(tt.wd)
			c, err := Load(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			fields := c.PathFields()
			if len(fields) != len(want) {
				t.Errorf("PathFields lists %d keys; want %d", len(fields), len(want))
			}
			for _, f := range fields {
				if *f.Path != want[f.Key] {
					t.Errorf("%s = %q; want %q", f.Key, *f.Path, want[f.Key])
				}
			}
			if got, want := c.Where("suites[1].path"), tt.path+":4"; got != want {
				t.Errorf("Where(suites[1].path) = %q; want %q", got, want)
			}
		})
	}
}

// fieldCase is a config Parse must refuse with a *FieldError naming key
// and line, its message containing msgPart.
type fieldCase struct {
	name, yaml, key string
	line            int
	msgPart         string
}

// testFieldErrors parses prefix+yaml of each case and checks the error.
func testFieldErrors(t *testing.T, prefix string, tests []fieldCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(prefix + tt.yaml))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse = %v; want *FieldError", err)
			}
			if fe.Key != tt.key || fe.Line != tt.line || !strings.Contains(fe.Msg, tt.msgPart) {
				t.Errorf("error = key %q line %d msg %q; want key %q line %d msg containing %q",
					fe.Key, fe.Line, fe.Msg, tt.key, tt.line, tt.msgPart)
			}
		})
	}
}
