package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/runlock"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/report/headline"
	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"
)

// reviewFixture writes a tiny run setup: three capital questions, a
// "notes" and an "atlas" index and a config with curation.review
// (require: true, every notes passage and one atlas passage sampled,
// limit 50%). It returns the config path and the run folder.
func reviewFixture(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	facts := [][3]string{{"Chad", "N'Djamena", "high"}, {"Peru", "Lima", ""}, {"France", "Paris", ""}}
	var items []exam.Item
	var notes, atlas []knowledge.Passage
	for i, f := range facts {
		it := exam.Item{ID: fmt.Sprintf("cap-%d", i), Question: "What is the capital of " + f[0] + "?",
			Choices: []string{"N'Djamena", "Lima", "Paris"}, Answer: exam.Answer{Index: i, Text: f[1]}, Subject: f[0], Relation: "capital", Object: f[1]}
		if f[2] != "" {
			it.Weight = 3
		}
		items = append(items, it)
		notes = append(notes, knowledge.Passage{ID: fmt.Sprintf("notes:%d", i), Source: "notes", Title: f[0],
			Text: f[1] + " is the capital of " + f[0] + ".", License: "public-domain"})
		for j := range 2 {
			atlas = append(atlas, knowledge.Passage{ID: fmt.Sprintf("atlas:%d-%d", i, j), Source: "atlas", Title: f[0],
				Text: fmt.Sprintf("The capital of %s is %s (atlas entry %d).", f[0], f[1], j), License: "CC0-1.0"})
		}
	}
	if err := exam.WriteSuite(filepath.Join(dir, "exam.jsonl"), items); err != nil {
		t.Fatal(err)
	}
	for name, ps := range map[string][]knowledge.Passage{"notes": notes, "atlas": atlas} {
		ix, err := knowledge.Build(context.Background(), ps, knowledge.Options{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Save(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	cfg := fmt.Sprintf(`name: reviewed
rounds: 1
seed: 5
model: {path: %s}
trainer: {epochs: 1}
suites:
  - {path: exam.jsonl, role: exam}
sources:
  list:
    - {kind: index, name: notes, path: notes, k: 2}
    - {kind: index, name: atlas, path: atlas, k: 3}
curation:
  max_per_item: 10
  review:
    rate: 1
    require: true
    max_reject_rate: 0.5
    sources:
      atlas: {size: 1}
`, tinyCheckpoint(t))
	path := filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, filepath.Join(dir, "run")
}

// TestReviewGatesRun runs `cem run` with require: true: it stops after
// curation awaiting review (exit status 3), `cem review` lists the sample
// and refuses bad decisions, the reviewer rejects the atlas sample (its
// source is dropped) and approves the rest, the run resumes and trains,
// and the report shows the verdicts. A changed verdict then redoes the
// review and the training set, not curation.
func TestReviewGatesRun(t *testing.T) {
	path, run := reviewFixture(t)
	ctx := context.Background()
	index := filepath.Join(filepath.Dir(run), "runs.sqlite")
	var out bytes.Buffer
	err := runRun(ctx, runOptions{Out: run, Index: index}, path, &out)
	if !errors.Is(err, review.ErrAwaiting) || exitCode(err) != exitAwaitingReview {
		t.Fatalf("cem run with require = %v (exit %d); want awaiting review, exit %d\n%s", err, exitCode(err), exitAwaitingReview, out.String())
	}
	if !strings.Contains(out.String(), "cem review") {
		t.Errorf("cem run's output does not say how to decide:\n%s", out.String())
	}
	if _, err := os.Stat(rundir.Artifact(run, 1, rundir.StageTrainset)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the round built a training set before its review (%v)", err)
	}
	pending, err := review.Pending(run)
	if err != nil || len(pending) < 2 {
		t.Fatalf("pending = %v, %v; want the notes passages and one atlas passage", pending, err)
	}
	var atlasID string
	for _, it := range pending {
		if it.Source == "atlas" {
			if atlasID != "" {
				t.Errorf("two atlas passages sampled (%s, %s); want size 1", atlasID, it.PassageID)
			}
			atlasID = it.PassageID
		}
	}
	if atlasID == "" {
		t.Fatalf("no atlas passage sampled: %v", pending)
	}
	out.Reset()
	if err := runReview(run, reviewOptions{}, &out); err != nil || !strings.Contains(out.String(), atlasID) ||
		!strings.Contains(out.String(), fmt.Sprintf("%d of %d sampled passages await review", len(pending), len(pending))) {
		t.Fatalf("cem review RUN = %v:\n%s", err, out.String())
	}

	// Bad input: an unknown passage, and a run folder another process writes.
	err = runReview(run, reviewOptions{Approve: []string{"notes:404"}, Who: "ana"}, &out)
	if exitCode(err) != 2 || !strings.Contains(err.Error(), `"notes:404"`) {
		t.Errorf("approving an unknown passage = %v (exit %d); want a usage error naming it", err, exitCode(err))
	}
	lock, err := runlock.Acquire(run)
	if err != nil {
		t.Fatal(err)
	}
	err = runReview(run, reviewOptions{ApproveAll: true, Who: "ana"}, &out)
	var held *runlock.HeldError
	if !errors.As(err, &held) {
		t.Errorf("deciding in a locked run = %v; want a *runlock.HeldError", err)
	}
	lock.Release()
	if ds, _ := review.Decisions(run, 1); len(ds) != 0 {
		t.Fatalf("refused decisions were recorded: %v", ds)
	}

	if err := runReview(run, reviewOptions{Reject: []string{atlasID}, Who: "ana", Note: "atlas copies a wiki"}, &out); err != nil {
		t.Fatal(err)
	}
	if err := runReview(run, reviewOptions{ApproveAll: true, Who: "bo", Note: "checked"}, &out); err != nil || !strings.Contains(out.String(), "0 passages still await review") {
		t.Fatalf("approve-all = %v\n%s", err, out.String())
	}
	out.Reset()
	if err := runRun(ctx, runOptions{Out: run, Index: index}, path, &out); err != nil {
		t.Fatalf("resumed cem run: %v\n%s", err, out.String())
	}
	vs, err := rundir.ReadVerdicts(run, 1)
	if err != nil {
		t.Fatal(err)
	}
	byFilter := map[string]int{}
	for _, v := range vs {
		if v.Keep && v.Source == "atlas" {
			t.Errorf("atlas passage %s kept after its source's sample was rejected", v.ID)
		}
		byFilter[v.Filter]++
		if v.Filter == review.FilterSource && !strings.Contains(v.Reason, "1 of 1") {
			t.Errorf("review-source reason %q does not say how many were rejected", v.Reason)
		}
	}
	if byFilter[review.FilterPassage] == 0 || byFilter[review.FilterSource] == 0 {
		t.Errorf("rejects by filter %v; want review (the rejected passage) and review-source (the rest of atlas)", byFilter)
	}
	if _, err := os.Stat(rundir.Artifact(run, 1, rundir.StageTrainset)); err != nil {
		t.Errorf("the resumed run built no training set: %v", err)
	}
	if err := runReport(reportOptions{}, run, &out); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(run, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "mistakes fixed: ") || !strings.Contains(out.String(), "Gate: round 1") {
		t.Errorf("cem run's output lacks the summary:\n%s", out.String())
	}
	h, err := headline.FromRun(run)
	if err != nil || h.Mined == 0 || h.Fixed > h.Mined || h.MinedWeighted <= float64(h.Mined)-1 || h.TrainedTokens == 0 {
		t.Errorf("headline = %+v, %v; want mined mistakes (weighted: one weighs 3), fixes <= mined, tokens", h, err)
	}
	for _, want := range []string{"<h2>Summary</h2>", "mistakes fixed: ", "Human review", "atlas copies a wiki", "evidence dropped: source atlas", ">bo<"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}

	// A changed verdict redoes the review and what follows, not curation.
	if err := runReview(run, reviewOptions{Approve: []string{atlasID}, Who: "ana", Note: "on second thought"}, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runRun(ctx, runOptions{Out: run, Index: index}, path, &out); err != nil {
		t.Fatalf("cem run after a changed verdict: %v\n%s", err, out.String())
	}
	for _, want := range []string{"round 1 curation  unchanged, reused", "round 1 review    done", "round 1 trainset  done"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output after a changed verdict lacks %q:\n%s", want, out.String())
		}
	}
	vs, _ = rundir.ReadVerdicts(run, 1)
	var kept []curate.Verdict
	for _, v := range vs {
		if v.Keep && v.Source == "atlas" {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		t.Error("no atlas evidence kept after its sample was approved")
	}
}

// TestRunsListsIndex lists the reviewed run from the index: as a table,
// as JSON with its summary, and filtered away by name.
func TestRunsListsIndex(t *testing.T) {
	path, run := reviewFixture(t)
	index := filepath.Join(filepath.Dir(run), "runs.sqlite")
	var out bytes.Buffer
	if err := runRun(context.Background(), runOptions{Out: run, Index: index}, path, &out); !errors.Is(err, review.ErrAwaiting) {
		t.Fatalf("cem run = %v; want awaiting review", err)
	}
	if err := runReview(run, reviewOptions{ApproveAll: true, Who: "ana"}, &out); err != nil {
		t.Fatal(err)
	}
	if err := runRun(context.Background(), runOptions{Out: run, Index: index}, path, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runRuns(context.Background(), runsOptions{Index: index, JSON: true, Summary: true}, &out); err != nil {
		t.Fatal(err)
	}
	var rows []runRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("cem runs --json = %v, %s", err, out.String())
	}
	if r := rows[0]; r.Name != "reviewed" || r.Seed != 5 || r.Rounds != 1 || r.Summary == nil || r.Summary.Mined == 0 {
		t.Errorf("row %+v; want the reviewed run, seed 5, 1 round, with its summary", r)
	}
	out.Reset()
	if err := runRuns(context.Background(), runsOptions{Index: index, Name: "other"}, &out); err != nil || strings.Contains(out.String(), "reviewed") {
		t.Errorf("cem runs --name other = %v:\n%s", err, out.String())
	}
	if err := runRuns(context.Background(), runsOptions{Index: index, Since: "yesterday"}, &out); exitCode(err) != 2 {
		t.Errorf("--since yesterday = %v; want a usage error", err)
	}
	if err := runRuns(context.Background(), runsOptions{Index: filepath.Join(t.TempDir(), "none.sqlite")}, &out); exitCode(err) != 2 {
		t.Errorf("a missing index = %v; want a usage error", err)
	}
}
