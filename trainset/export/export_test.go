package export_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/trainset/export"
)

// sampleSet has every kind, text with characters JSON and YAML care about,
// and one example with a loss weight.
func sampleSet() []model.Example {
	var set []model.Example
	add := func(kind string, n int, prompt bool) {
		for i := range n {
			e := model.Example{ID: fmt.Sprintf("%s-%d", kind, i), Kind: kind,
				Text: fmt.Sprintf("%s text %d: N'Djamena is \"the capital\" of Chad.\n<b>é</b>", kind, i)}
			if prompt {
				e.Prompt = fmt.Sprintf("Question %s %d: what is the capital of Chad?", kind, i)
			}
			set = append(set, e)
		}
	}
	add("cpt", 3, false)
	add("normative", 4, true)
	add("extractive", 2, true)
	add("review", 1, true)
	add("general", 2, true)
	add("replay", 2, false)
	set[4].Weight = 0.5
	return set
}

// trained is one example as a trainer sees it: context, and trained text.
type trained struct{ context, target string }

func readJSONL(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, m)
	}
	return out
}

func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// messages reads a messages list: user content is context, assistant
// content is trained (unless weight 0).
func messages(t *testing.T, rec map[string]any, wantWeight bool) trained {
	t.Helper()
	msgs, _ := rec["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("messages = %v; want a user and an assistant turn", rec)
	}
	u, a := msgs[0].(map[string]any), msgs[1].(map[string]any)
	if u["role"] != "user" || a["role"] != "assistant" {
		t.Fatalf("roles = %v, %v; want user, assistant", u["role"], a["role"])
	}
	if _, ok := u["weight"]; ok {
		t.Errorf("user message has a weight: %v", u)
	}
	if wantWeight && a["weight"] != 1.0 {
		t.Errorf("assistant weight = %v; want 1", a["weight"])
	}
	return trained{u["content"].(string), a["content"].(string)}
}

// readBack returns what each format trains on, per file.
func readBack(t *testing.T, f export.Format, dir string) []trained {
	t.Helper()
	var out []trained
	p := func(name string) string { return filepath.Join(dir, name) }
	switch f {
	case export.LlamaFactory:
		for _, r := range readJSONL(t, p("text.jsonl")) {
			out = append(out, trained{r["instruction"].(string), r["text"].(string)})
		}
		for _, r := range readJSONL(t, p("instructions.jsonl")) {
			out = append(out, trained{r["instruction"].(string) + r["input"].(string), r["output"].(string)})
		}
	case export.Axolotl:
		for _, r := range readJSONL(t, p("text.jsonl")) {
			out = append(out, trained{"", r["text"].(string)})
		}
		for _, r := range readJSONL(t, p("chat.jsonl")) {
			out = append(out, messages(t, r, false))
		}
	case export.TRL:
		for _, r := range readJSONL(t, p("prompt_completion.jsonl")) {
			out = append(out, trained{r["prompt"].(string), r["completion"].(string)})
		}
	case export.OpenAI:
		for _, r := range readJSONL(t, p("train.jsonl")) {
			tr := messages(t, r, true)
			if tr.context == export.CPTUserTurn {
				tr.context = ""
			}
			out = append(out, tr)
		}
	}
	return out
}

func checkConfig(t *testing.T, f export.Format, res export.Result, set []model.Example) {
	t.Helper()
	text := 0
	for _, e := range set {
		if e.Prompt == "" {
			text++
		}
	}
	switch f {
	case export.LlamaFactory:
		cfg := readYAML(t, res.Config)
		if cfg["train_on_prompt"] != false || cfg["dataset"] != "cem_text,cem_instructions" || cfg["mix_strategy"] != "interleave_over" {
			t.Errorf("train.yaml = %v; want train_on_prompt false, both datasets interleaved", cfg)
		}
		probs := strings.Split(cfg["interleave_probs"].(string), ",")
		want := []float64{float64(text) / float64(len(set)), float64(len(set)-text) / float64(len(set))}
		for i, s := range probs {
			got, err := strconv.ParseFloat(s, 64)
			if err != nil || got != want[i] {
				t.Errorf("interleave_probs[%d] = %q; want %v", i, s, want[i])
			}
		}
		var info map[string]struct {
			FileName string            `json:"file_name"`
			Columns  map[string]string `json:"columns"`
		}
		b, _ := os.ReadFile(filepath.Join(res.Dir, "dataset_info.json"))
		if err := json.Unmarshal(b, &info); err != nil {
			t.Fatal(err)
		}
		if c := info["cem_text"].Columns; c["response"] != "text" || c["prompt"] != "instruction" {
			t.Errorf("cem_text columns = %v; want the text as response", c)
		}
		if c := info["cem_instructions"].Columns; c["response"] != "output" || c["prompt"] != "instruction" {
			t.Errorf("cem_instructions columns = %v; want Alpaca", c)
		}
	case export.Axolotl:
		cfg := readYAML(t, res.Config)
		ds := cfg["datasets"].([]any)
		if cfg["train_on_inputs"] != false || len(ds) != 2 ||
			ds[0].(map[string]any)["type"] != "completion" || ds[1].(map[string]any)["type"] != "chat_template" {
			t.Errorf("axolotl.yaml = %v; want train_on_inputs false, a completion and a chat_template dataset", cfg)
		}
	case export.TRL:
		cfg := readYAML(t, res.Config)
		if cfg["completion_only_loss"] != true {
			t.Errorf("sft.yaml completion_only_loss = %v; want true", cfg["completion_only_loss"])
		}
		if n := len(readJSONL(t, filepath.Join(res.Dir, "text.jsonl"))); n != text {
			t.Errorf("text.jsonl has %d lines; want %d", n, text)
		}
		if n := len(readJSONL(t, filepath.Join(res.Dir, "messages.jsonl"))); n != len(set)-text {
			t.Errorf("messages.jsonl has %d lines; want %d", n, len(set)-text)
		}
	case export.OpenAI:
		b, err := os.ReadFile(res.Config)
		if err != nil || !strings.Contains(string(b), `"supervised"`) {
			t.Errorf("job.json = %s, %v; want a supervised job", b, err)
		}
	}
}

func TestWriteReadBack(t *testing.T) {
	set := sampleSet()
	wantKinds := map[string]int{}
	byContent := map[trained]string{}
	for _, e := range set {
		wantKinds[e.Kind]++
		byContent[trained{e.Prompt, e.Text}] = e.Kind
	}
	for _, f := range export.Formats {
		t.Run(string(f), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), string(f))
			res, err := export.Write(dir, f, set, export.Options{Seed: 7, Round: 2})
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			got := readBack(t, f, dir)
			gotKinds := map[string]int{}
			for _, tr := range got {
				kind, ok := byContent[tr]
				if !ok {
					t.Errorf("exported example (context %q, trained %q) matches no input example", tr.context, tr.target)
					continue
				}
				gotKinds[kind]++
			}
			for k, n := range wantKinds {
				if gotKinds[k] != n {
					t.Errorf("kind %s: %d examples read back; want %d", k, gotKinds[k], n)
				}
			}
			for k, share := range res.Mix {
				if want := float64(wantKinds[k]) / float64(len(set)); share != want {
					t.Errorf("Mix[%s] = %v; want %v", k, share, want)
				}
			}
			if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "1 examples have a loss weight") {
				t.Errorf("Notes = %q; want one note on the weighted example", res.Notes)
			}
			checkConfig(t, f, res, set)
		})
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	if _, err := export.Write(dir, export.TRL, sampleSet(), export.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := export.Write(dir, export.OpenAI, sampleSet()[:3], export.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sft.yaml")); !os.IsNotExist(err) {
		t.Errorf("files of the replaced export remain: %v", err)
	}
	bad := sampleSet()
	bad[2].Text = "  "
	if _, err := export.Write(dir, export.TRL, bad, export.Options{}); err == nil || !strings.Contains(err.Error(), "cpt-2") {
		t.Errorf("Write with an empty text = %v; want an error naming cpt-2", err)
	}
	if _, err := export.Write(filepath.Join(root, "none"), export.TRL, nil, export.Options{}); err == nil {
		t.Error("Write of an empty set succeeded; want an error")
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 || entries[0].Name() != "out" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v; want only out (no staging leftovers)", names)
	}
	if n := len(readJSONL(t, filepath.Join(dir, "train.jsonl"))); n != 3 {
		t.Errorf("after a failed export, train.jsonl has %d lines; want the previous 3", n)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]export.Format{"LlamaFactory": export.LlamaFactory, " trl ": export.TRL} {
		if got, err := export.ParseFormat(in); got != want || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := export.ParseFormat("gguf"); err == nil {
		t.Error(`ParseFormat("gguf") succeeded; want an error`)
	}
}
