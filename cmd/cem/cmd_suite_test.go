package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/suitebuild"
)

func TestSuiteBuildAndStats(t *testing.T) {
	p := demotest.Paths(t)
	out := t.TempDir()
	var buf bytes.Buffer
	err := runSuiteBuild(suiteBuildOptions{Out: out, Sources: []string{suitebuild.SourceQuiz}, sourcesSet: true,
		MC: 4, Split: "exam=0.75,heldout=0.25", Seed: 2, DataRoot: p.Root}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "exam.jsonl") || !strings.Contains(buf.String(), "heldout.jsonl") {
		t.Errorf("build output = %q; want both suites written", buf.String())
	}
	ex, err := exam.ReadSuite(filepath.Join(out, "exam.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if ex.Role != exam.RoleExam || len(ex.Items) < 1000 || !ex.Items[0].IsMultipleChoice() {
		t.Errorf("exam suite: role %q, %d items; want a multiple-choice exam of >= 1000", ex.Role, len(ex.Items))
	}
	buf.Reset()
	if err := runSuiteStats([]string{out}, &buf); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); !strings.Contains(s, "capital") || !strings.Contains(s, "(all)") || !strings.Contains(s, "heldout") {
		t.Errorf("stats = %q; want per-topic rows for both suites", s)
	}
	if err := runSuiteBuild(suiteBuildOptions{Out: out, Sources: []string{suitebuild.SourceQuiz}, Split: "exam=0.5", DataRoot: p.Root}, &buf); err == nil {
		t.Error("a split whose fractions do not sum to 1 was accepted")
	}
}

func TestSuiteBuildProbes(t *testing.T) {
	p := demotest.Paths(t)
	out := t.TempDir()
	var buf bytes.Buffer
	if err := runSuiteBuild(suiteBuildOptions{Out: out, Sources: []string{suitebuild.SourceQuiz}, sourcesSet: true,
		MC: 4, Split: "exam=forward,heldout=reverse", Probes: true, Seed: 2, DataRoot: p.Root}, &buf); err != nil {
		t.Fatal(err)
	}
	held, err := exam.ReadSuite(filepath.Join(out, "heldout.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, it := range held.Items {
		kinds[it.Probe]++
		if it.Probe != "" && (it.About == "" || !it.IsMultipleChoice()) {
			t.Fatalf("probe %s: about %q, %d choices; want a multiple-choice probe about its exam fact", it.ID, it.About, len(it.Choices))
		}
	}
	if kinds[exam.ProbeParaphrase] < 100 || kinds[exam.ProbeReverse] < 100 {
		t.Errorf("heldout probes = %v; want at least 100 paraphrase and 100 reverse probes", kinds)
	}
	err = runSuiteBuild(suiteBuildOptions{Out: out, Sources: []string{suitebuild.SourceQuiz}, Probes: true, DataRoot: p.Root}, &buf)
	if _, ok := err.(usageError); !ok {
		t.Errorf("--probes without a variant split: err = %v; want a usage error", err)
	}
}
