package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/model/native"
	"github.com/cemlab/cem/rundir"
)

// servedFixture is a workspace for runs of a served model: the cem binary,
// a tiny base checkpoint, four suites of made-up capitals, an index of
// their facts, and a port for cem serve.
type servedFixture struct {
	ws, bin, base string
	port          int
}

// newServedFixture builds the fixture in a temporary folder (the working
// directory from then on).
func newServedFixture(t *testing.T) *servedFixture {
	t.Helper()
	pkg, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	f := &servedFixture{ws: t.TempDir()}
	f.bin = filepath.Join(f.ws, "bin", "cem")
	build := exec.Command("go", "build", "-o", f.bin, ".")
	build.Dir = pkg
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Chdir(f.ws)
	rng := rand.New(rand.NewPCG(7, 7))
	word := wordMaker(rng, []string{"ka", "lo", "mi", "ru", "ven", "dor", "sa", "tel", "bri", "xo", "nu", "pa"})
	const n = 96
	countries, capitals := make([]string, n), make([]string, n)
	for i := range n {
		countries[i], capitals[i] = word()+fmt.Sprint("ia", i%7), word()+"ton"
	}
	var passages []knowledge.Passage
	var texts []string
	for i := range n {
		text := fmt.Sprintf("The capital of %s is %s.", countries[i], capitals[i])
		passages = append(passages, knowledge.Passage{ID: fmt.Sprintf("fact:%d", i), Source: "facts", Title: countries[i],
			Text: text, License: knowledge.LicenseFactbook})
		if i%2 == 0 {
			texts = append(texts, text)
		}
	}
	ix, err := knowledge.Build(context.Background(), passages, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Save("bm25.idx"); err != nil {
		t.Fatal(err)
	}
	for r, role := range []string{"exam", "heldout", "ood", "general"} {
		var items []exam.Item
		for i := r; i < n; i += 4 {
			choices := []string{capitals[i], capitals[(i+1)%n], capitals[(i+5)%n], capitals[(i+11)%n]}
			k := rng.IntN(4)
			choices[0], choices[k] = choices[k], choices[0]
			items = append(items, exam.Item{ID: fmt.Sprintf("%s-%d", role, i), Question: "What is the capital of " + countries[i] + "?",
				Choices: choices, Answer: exam.Answer{Index: k}})
		}
		if err := exam.WriteSuite(role+".jsonl", items); err != nil {
			t.Fatal(err)
		}
	}
	f.base = filepath.Join(f.ws, "base")
	if _, err := native.Pretrain(context.Background(), texts, nil, native.PretrainOptions{Size: "tiny", TokenizerBytes: 2048,
		Train: native.Options{Steps: 30, BatchTokens: 512, SeqLen: 64, Out: f.base, Seed: 3}}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	return f
}

// config returns a run config of the fixture; model is the model section.
func (f *servedFixture) config(name, modelSection, extra string) string {
	return fmt.Sprintf(`name: %s
seed: 1
rounds: 2
%s
trainer:
  backend: command
  epochs: 1
  learning_rate: 0.002
  batch_tokens: 512
  command: "%s model train --from {{.From}} --data {{.Data}} --out {{.OutDir}} --lr {{.LearningRate}} --batch-tokens {{.BatchTokens}} --steps 6 --log-every 100"
exam: {batch_size: 64}
suites:
  - {name: exam, path: exam.jsonl, role: exam}
  - {name: heldout, path: heldout.jsonl, role: heldout}
  - {name: ood, path: ood.jsonl, role: ood}
  - {name: general, path: general.jsonl, role: general}
sources: {index: bm25.idx, k: 2}
gate: {max_forgetting: 100, max_broken: 3}
%s`, name, modelSection, f.bin, extra)
}

// servedModel is the model section for cem serve on the fixture's port.
func (f *servedFixture) servedModel(extra string) string {
	return fmt.Sprintf(`model:
  backend: openai
  base_url: http://127.0.0.1:%d/v1
  name: tiny
  path: base
  prompt_template: "<|inst|>{{.Prompt}}<|resp|>"
  max_retries: 1
  timeout: 20s
%s`, f.port, extra)
}

// deployScript writes deploy.sh: it stops the cem serve whose pid is in
// serve.pid, starts one on the artifact under the name, and prints the
// artifact as the revision. cem waits for readiness itself.
func (f *servedFixture) deployScript(t *testing.T, extraFlags string) {
	t.Helper()
	script := fmt.Sprintf(`#!/bin/sh
set -e
if [ -f %[1]s/serve.pid ]; then
  pid=$(cat %[1]s/serve.pid)
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
fi
nohup %[2]s serve "$1" --addr 127.0.0.1:%[3]d --name "$2" %[4]s >%[1]s/serve.log 2>&1 &
echo $! > %[1]s/serve.pid
echo "CEM_REVISION=$(basename "$1")-$2"
`, f.ws, f.bin, f.port, extraFlags)
	if err := os.WriteFile("deploy.sh", []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.stopServer() })
}

// stopServer stops the cem serve the deploy script started last.
func (f *servedFixture) stopServer() {
	data, err := os.ReadFile(filepath.Join(f.ws, "serve.pid"))
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
		syscall.Kill(pid, syscall.SIGTERM)
		for range 100 {
			if syscall.Kill(pid, 0) != nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	os.Remove(filepath.Join(f.ws, "serve.pid"))
}

// startServer serves the base checkpoint with the deploy script.
func (f *servedFixture) startServer(t *testing.T) {
	t.Helper()
	out, err := exec.Command("sh", "deploy.sh", f.base, "tiny").CombinedOutput()
	if err != nil {
		t.Fatalf("deploy.sh: %v\n%s", err, out)
	}
}

// picks reads every round's exam answers of a run: round -> suite/id -> pick.
func picks(t *testing.T, dir string, rounds int) []map[string]rundir.Answer {
	t.Helper()
	out := make([]map[string]rundir.Answer, rounds+1)
	for r := range rounds + 1 {
		as, err := rundir.ReadJSONL[rundir.Answer](filepath.Join(dir, fmt.Sprintf("round-%d", r), rundir.StageExam+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		out[r] = map[string]rundir.Answer{}
		for _, a := range as {
			out[r][a.Suite+"/"+a.ID] = a
		}
	}
	return out
}

// agreement is the share of items (over all rounds) whose pick is the same.
func agreement(a, b []map[string]rundir.Answer) (same, total int) {
	for r := range a {
		for k, x := range a[r] {
			total++
			if y, ok := b[r][k]; ok && y.PredIndex == x.PredIndex {
				same++
			}
		}
	}
	return same, total
}

// TestServedRunAgreesWithNative runs the same two rounds twice: natively
// in-process, and with model.backend openai against the cem binary's
// server, the command trainer running `cem model train` and a deploy
// script restarting `cem serve` on each new checkpoint. Per-item picks
// must agree on >= 98 % of items, every round's exam must have gone to
// the server, and a rollback must have been deployed back.
func TestServedRunAgreesWithNative(t *testing.T) {
	skipOnPortableKernels(t)
	if testing.Short() {
		t.Skip("end-to-end run of the served loop")
	}
	f := newServedFixture(t)
	nativeCfg := f.config("native", "model: {backend: native, path: base}", "")
	servedCfg := f.config("served", f.servedModel("  score_mode: logprobs"),
		"deploy: {command: \"sh deploy.sh {{.Artifact}} {{.Name}}\", timeout: 60s}\n")
	if err := writeFileForTest("native.yaml", nativeCfg); err != nil {
		t.Fatal(err)
	}
	if err := writeFileForTest("served.yaml", servedCfg); err != nil {
		t.Fatal(err)
	}
	f.deployScript(t, "")
	if out, err := cem(t, "run", "native.yaml"); err != nil {
		t.Fatalf("native run: %v\n%s", err, out)
	}
	f.startServer(t)
	out, err := cem(t, "run", "served.yaml")
	if err != nil {
		t.Fatalf("served run: %v\n%s\nserve.log:\n%s", err, out, readOr(filepath.Join(f.ws, "serve.log")))
	}
	same, total := agreement(picks(t, filepath.Join("runs", "native"), 2), picks(t, filepath.Join("runs", "served"), 2))
	t.Logf("served (log-prob mode) vs native: %d of %d picks agree (%.1f %%)", same, total, 100*float64(same)/float64(total))
	if float64(same) < 0.98*float64(total) {
		t.Errorf("served and native picks agree on %d of %d items; want >= 98 %%\n%s", same, total, out)
	}
	var sum rundir.Summary
	if err := readJSONForTest(filepath.Join("runs", "served", "metrics.json"), &sum); err != nil {
		t.Fatal(err)
	}
	for _, m := range sum.Rounds {
		u := m.Usage["model"]
		if u.Requests < 4*total/3 { // one score request per choice
			t.Errorf("round %d: %d exam requests reached the server; want every item's (usage %+v)", m.Round, u.Requests, m.Usage)
		}
		for _, s := range m.Suites {
			if s.Modes[exam.AnsweredLikelihood] != s.Acc.N {
				t.Errorf("round %d suite %s modes %v; want every item by likelihood", m.Round, s.Name, s.Modes)
			}
		}
	}
	rolledBack := 0
	for _, m := range sum.Rounds[1:] {
		if m.Gate.Accepted {
			continue
		}
		rolledBack++
		ds, err := rundir.ReadJSONL[loop.Deployment](filepath.Join("runs", "served", fmt.Sprintf("round-%d", m.Round), loop.StageRedeploy+".jsonl"))
		if err != nil || len(ds) != 1 || ds[0].Round >= m.Round {
			t.Errorf("round %d rolled back; redeploy record %+v (%v); want the accepted model deployed back", m.Round, ds, err)
		}
	}
	t.Logf("%d of 2 rounds rolled back (redeployed)", rolledBack)
	for r := 1; r <= 2; r++ {
		ds, err := rundir.ReadJSONL[loop.Deployment](filepath.Join("runs", "served", fmt.Sprintf("round-%d", r), loop.StageDeploy+".jsonl"))
		if err != nil || len(ds) != 1 || ds[0].Revision == "" || ds[0].Served.Name != "tiny" {
			t.Errorf("round %d deploy record = %+v (%v); want one with the script's revision, served as tiny", r, ds, err)
		}
	}
	// Letter scoring on the same server (score_mode: letter: no prompt
	// log-probs asked for), round 0 only, against native likelihood.
	f.startServer(t)
	letterCfg := strings.Replace(f.config("letter", f.servedModel("  score_mode: letter"), ""), "rounds: 2", "rounds: 0", 1)
	if err := writeFileForTest("letter.yaml", letterCfg); err != nil {
		t.Fatal(err)
	}
	if lout, err := cem(t, "run", "letter.yaml"); err != nil {
		t.Fatalf("letter run: %v\n%s", err, lout)
	}
	letter := picks(t, filepath.Join("runs", "letter"), 0)
	modes := map[string]int{}
	for _, a := range letter[0] {
		modes[a.Mode]++
	}
	ls, lt := agreement(letter, picks(t, filepath.Join("runs", "native"), 0))
	t.Logf("served letter mode (%v) vs native likelihood, round 0: %d of %d picks agree (%.1f %%)", modes, ls, lt, 100*float64(ls)/float64(lt))
	if modes[exam.AnsweredLetterLogprobs]+modes[exam.AnsweredLetterGenerated] != lt {
		t.Errorf("letter run modes %v; want every item by a letter mode", modes)
	}
	if !strings.Contains(out, "round 2 exam") || strings.Contains(out, "round 1 exam      unchanged") {
		t.Errorf("served run output:\n%s", out)
	}
}

func readOr(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var tail []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		tail = append(tail, sc.Text())
		if len(tail) > 30 {
			tail = tail[1:]
		}
	}
	return strings.Join(tail, "\n")
}

func readJSONForTest(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
