package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/rundir"
)

// servedWorkspace serves a tiny checkpoint as "tiny" in-process, behind
// hook (which may answer a request itself), and writes two suites and an
// index into a fresh working directory.
func servedWorkspace(t *testing.T, hook func(w http.ResponseWriter, body []byte) bool) (baseURL, ckpt string, served *atomic.Int64) {
	t.Helper()
	ckpt = tinyCheckpoint(t)
	m, err := native.Open(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newNativeServer(m, serveOptions{Name: "tiny", ChatMaxTokens: 16})
	if err != nil {
		t.Fatal(err)
	}
	served = &atomic.Int64{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if hook != nil && hook(w, body) {
			return
		}
		if r.Method == http.MethodPost {
			served.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	t.Chdir(t.TempDir())
	for _, role := range []string{"exam", "general"} {
		var items []exam.Item
		for i, c := range [][2]string{{"Chad", "N'Djamena"}, {"France", "Paris"}, {"Peru", "Lima"}, {"Mali", "Bamako"}} {
			items = append(items, exam.Item{ID: fmt.Sprintf("%s-%d", role, i), Question: "What is the capital of " + c[0] + "?",
				Choices: []string{"Lyon", c[1], "Oslo"}, Answer: exam.Answer{Index: 1}})
		}
		if err := exam.WriteSuite(role+".jsonl", items); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := knowledge.Build(t.Context(), []knowledge.Passage{{ID: "f:1", Source: "facts", Text: "N'Djamena is the capital of Chad.",
		License: knowledge.LicenseFactbook}}, knowledge.Options{})
	if err == nil {
		err = ix.Save("bm25.idx")
	}
	if err != nil {
		t.Fatal(err)
	}
	return hs.URL + "/v1", ckpt, served
}

// servedYAML is a config of the served tiny model with extra sections.
func servedYAML(baseURL, ckpt, extra string) string {
	return fmt.Sprintf(`model:
  backend: openai
  base_url: %s
  name: tiny
  path: %s
  prompt_template: "<|inst|>{{.Prompt}}<|resp|>"
  max_retries: 1
suites:
  - {name: exam, path: exam.jsonl, role: exam}
  - {name: general, path: general.jsonl, role: general}
sources: {index: bm25.idx}
%s`, baseURL, ckpt, extra)
}

// TestExamOnlyServedModel: rounds: 0 with an openai model needs no index
// or trainer; cem exam prints the per-suite table; a server error on one
// item is that item's failure within exam.max_failures, and beyond it an
// error naming the item.
func TestExamOnlyServedModel(t *testing.T) {
	failFrance := func(w http.ResponseWriter, body []byte) bool {
		if bytes.Contains(body, []byte("Peru")) {
			http.Error(w, `{"error":{"message":"engine crashed"}}`, http.StatusInternalServerError)
			return true
		}
		return false
	}
	url, ckpt, served := servedWorkspace(t, failFrance)
	cfg := strings.Replace(servedYAML(url, ckpt, "rounds: 0\nexam: {max_failures: 2}\n"), "sources: {index: bm25.idx}\n", "", 1)
	if err := writeFileForTest("cem.yaml", cfg); err != nil {
		t.Fatal(err)
	}
	out, err := cem(t, "exam", "cem.yaml", "-o", "answers.jsonl")
	if err != nil {
		t.Fatalf("cem exam: %v\n%s", err, out)
	}
	if !strings.Contains(out, "failed") || !regexpMatch(`exam\s+exam\s+4\s+`, out) || !strings.Contains(out, "likelihood 3, failed 1") {
		t.Errorf("cem exam table:\n%s", out)
	}
	if served.Load() == 0 {
		t.Error("cem exam sent no request to the server")
	}
	out, err = cem(t, "run", "cem.yaml")
	if err != nil {
		t.Fatalf("exam-only cem run: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join("runs", "cem", "round-1")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("exam-only run made round-1 (%v)", err)
	}
	as, err := rundir.ReadJSONL[rundir.Answer](filepath.Join("runs", "cem", "round-0", "exam.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, a := range as {
		if a.Mode == exam.AnsweredFailed {
			failed++
			if !strings.Contains(a.ID, "-2") || !strings.Contains(a.Error, "500") {
				t.Errorf("failed item %+v; want the Peru items with the server's 500", a.Result)
			}
		}
	}
	if failed != 2 {
		t.Errorf("%d failed items recorded; want 2 (Peru in both suites)", failed)
	}
	if err := writeFileForTest("cem.yaml", strings.Replace(cfg, "max_failures: 2", "max_failures: 0", 1)); err != nil {
		t.Fatal(err)
	}
	_, err = cem(t, "exam", "cem.yaml")
	if err == nil || !strings.Contains(err.Error(), "exam-2") || !strings.Contains(err.Error(), "max_failures") {
		t.Errorf("no failure budget: %v; want an error naming item exam-2 and exam.max_failures", err)
	}
}

// TestServedLetterModeWithoutEcho examines through a server that refuses
// echo (as servers without prompt log-probs do): auto mode falls back to
// letters, records the mode per item and in the metrics, and the share
// of picks agreeing with likelihood mode is reported.
func TestServedLetterModeWithoutEcho(t *testing.T) {
	noEcho := func(w http.ResponseWriter, body []byte) bool {
		var req map[string]any
		if json.Unmarshal(body, &req) == nil && req["echo"] == true {
			http.Error(w, `{"error":{"message":"echo is not supported"}}`, http.StatusBadRequest)
			return true
		}
		return false
	}
	url, ckpt, _ := servedWorkspace(t, noEcho)
	cfg := servedYAML(url, ckpt, "rounds: 0\n") + "  generate_mode: completions\n"
	cfg = strings.Replace(cfg, "  max_retries: 1\n", "  max_retries: 1\n  generate_mode: completions\n", 1)
	cfg = strings.TrimSuffix(cfg, "  generate_mode: completions\n")
	if err := writeFileForTest("cem.yaml", cfg); err != nil {
		t.Fatal(err)
	}
	if out, err := cem(t, "run", "cem.yaml", "-o", "letter"); err != nil {
		t.Fatalf("run without echo: %v\n%s", err, out)
	}
	if err := writeFileForTest("native.yaml", "rounds: 0\nmodel: {path: "+ckpt+"}\nsuites:\n  - {name: exam, path: exam.jsonl, role: exam}\n  - {name: general, path: general.jsonl, role: general}\n"); err != nil {
		t.Fatal(err)
	}
	if out, err := cem(t, "run", "native.yaml", "-o", "native"); err != nil {
		t.Fatalf("native run: %v\n%s", err, out)
	}
	letter, nat := picks(t, "letter", 0), picks(t, "native", 0)
	for _, a := range letter[0] {
		if a.Mode != exam.AnsweredLetterLogprobs && a.Mode != exam.AnsweredLetterGenerated {
			t.Errorf("item %s answered by %q (%s); want a letter mode", a.ID, a.Mode, a.Error)
		}
	}
	same, total := agreement(letter, nat)
	t.Logf("letter mode without echo vs native likelihood: %d of %d picks agree", same, total)
	var sum rundir.Summary
	if err := readJSONForTest(filepath.Join("letter", "metrics.json"), &sum); err != nil {
		t.Fatal(err)
	}
	if m := sum.Rounds[0].Suites[0].Modes; m[exam.AnsweredLetterLogprobs]+m[exam.AnsweredLetterGenerated] != 4 {
		t.Errorf("metrics modes %v; want the 4 exam items by letter", m)
	}
}

// TestServedBadInput: a trainer that writes nothing, a deploy command that
// fails and a server that never serves the deployed name each stop the
// run with an error naming the key, and leave no artifact of the failed
// stage behind.
func TestServedBadInput(t *testing.T) {
	url, ckpt, _ := servedWorkspace(t, nil)
	mkdir := `trainer: {backend: command, command: "sh -c 'mkdir {{.OutDir}}'"}` + "\n"
	for _, tt := range []struct {
		name, extra, key, stage string
	}{
		{"trainer writes nothing", "trainer: {backend: command, command: \"sh -c 'echo training'\"}\ndeploy: {command: \"true\"}\n", "trainer.command", rundir.StageTrain},
		{"deploy fails", mkdir + "deploy: {command: \"sh -c 'echo no GPU left >&2; exit 3'\"}\n", "deploy.command", loop.StageDeploy},
		{"never ready", mkdir + "deploy: {command: \"true\", name: \"tiny-r{{.Round}}\", timeout: 1s}\n", "deploy.timeout", loop.StageDeploy},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := servedYAML(url, ckpt, "rounds: 1\n"+tt.extra)
			if err := writeFileForTest("cem.yaml", cfg); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join("runs", strings.ReplaceAll(tt.name, " ", "-"))
			_, err := cem(t, "run", "cem.yaml", "-o", out)
			if err == nil || !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("run: %v; want an error naming %s", err, tt.key)
			}
			t.Logf("%s: %v", tt.name, err)
			for _, suffix := range []string{".jsonl", ".manifest.json"} {
				if _, err := os.Stat(filepath.Join(out, "round-1", tt.stage+suffix)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("failed stage left round-1/%s%s (%v)", tt.stage, suffix, err)
				}
			}
		})
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
