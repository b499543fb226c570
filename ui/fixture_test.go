package ui

import (
	"fmt"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/jsonl"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/metrics"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"
	"github.com/cemlab/cem/trainset"
)

// fixtureSize is the size of a written run: suites of items, rounds,
// mistakes mined per round, candidates per mistake.
type fixtureSize struct{ Items, Rounds, Mined, Candidates int }

// demoSize is about the demo's: four suites of 150 items, three rounds.
var demoSize = fixtureSize{Items: 150, Rounds: 3, Mined: 30, Candidates: 5}

// writeRun writes a run folder in the layout and records the loop
// writes (metrics.json, run.json, every stage artifact of every round)
// and round 1's review sample of the first two kept passages. Item i of
// suite exam is right from round i%4 on (never, for i%4 == 0).
func writeRun(t testing.TB, dir, name string, size fixtureSize) {
	t.Helper()
	suites := []struct{ name, role string }{{"exam", "exam"}, {"heldout", "heldout"}, {"ood", "ood"}, {"general", "general"}}
	roles := map[string]string{}
	for _, s := range suites {
		roles[s.name] = s.role
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(rundir.WriteJSON(rundir.File(dir, rundir.RunInfoFile), rundir.RunInfo{Name: name, Seed: 7, Rounds: size.Rounds}))
	sum := rundir.Summary{Name: name, Seed: 7, Roles: roles}
	var snaps []metrics.Snapshot
	for r := 0; r <= size.Rounds; r++ {
		var answers []rundir.Answer
		m := rundir.RoundMetrics{Round: r, Gate: rundir.Gate{Accepted: true}}
		snap := metrics.Snapshot{}
		for _, s := range suites {
			k, outs := 0, metrics.Outcomes{}
			for i := range size.Items {
				right := i%4 != 0 && r >= i%4
				if right {
					k++
				}
				pred := "wrong answer"
				if right {
					pred = fmt.Sprintf("answer %d", i)
				}
				outs[fmt.Sprintf("%s-%d", s.name, i)] = right
				answers = append(answers, rundir.Answer{Suite: s.name, Result: exam.Result{ID: fmt.Sprintf("%s-%d", s.name, i),
					Prediction: pred, Correct: right, Confidence: 0.4 + 0.1*float64(r), Margin: 0.1}})
			}
			acc := metrics.Wilson95(k, size.Items)
			snap[s.name] = outs
			m.Suites = append(m.Suites, rundir.SuiteMetrics{Name: s.name, Role: s.role, Acc: acc, Fixed: size.Items / 4 * min(r, 1)})
		}
		must(jsonl.Write(rundir.Artifact(dir, r, rundir.StageExam), answers, 0o644))
		snaps = append(snaps, snap)
		if r > 0 {
			m.Mined, m.Candidates, m.Evidence = size.Mined, size.Mined*size.Candidates, size.Mined*(size.Candidates-1)
			m.Tokens = map[string]int{"cpt": 1000 * r, "normative": 400 * r}
			writeStages(t, dir, r, size)
		}
		sum.Rounds = append(sum.Rounds, m)
	}
	sum.Matrix = metrics.NewMatrix(snaps)
	for r := range sum.Rounds {
		for j := range sum.Rounds[r].Suites {
			sm := &sum.Rounds[r].Suites[j]
			sm.Gain, _ = sum.Matrix.Gain(r, sm.Name)
		}
	}
	must(rundir.WriteJSON(rundir.File(dir, rundir.MetricsFile), sum))
}

// writeStages writes round r's mistakes, queries, curation verdicts and
// training set; the last candidate of every mistake is rejected.
func writeStages(t testing.TB, dir string, r int, size fixtureSize) {
	t.Helper()
	var ms []mistake.Mistake
	var qs []mistake.Query
	var vs []curate.Verdict
	var exs []model.Example
	var sample []review.Item
	for i := range size.Mined {
		id := fmt.Sprintf("exam-%d", 4*i)
		item := exam.Item{ID: id, Question: fmt.Sprintf("What is fact %d?", 4*i), Choices: []string{fmt.Sprintf("answer %d", 4*i), "wrong answer"}, Answer: exam.Answer{Index: 0}}
		ms = append(ms, mistake.Mistake{Item: item, Suite: "exam", Kind: "wrong", Priority: 2, Prediction: "wrong answer"})
		qs = append(qs, mistake.Query{MistakeID: id, Point: "fact " + id, Extractor: mistake.ByHeuristic, Query: knowledge.Query{Text: "fact " + id}})
		for c := range size.Candidates {
			p := knowledge.Passage{ID: fmt.Sprintf("wordnet:r%d-%s-p%d", r, id, c), Source: "wordnet", Text: fmt.Sprintf("Fact %d is answer %d (passage %d).", 4*i, 4*i, c),
				URL: "https://wordnet.example/" + id, License: "WordNet"}
			v := curate.Verdict{Candidate: curate.Candidate{MistakeID: id, Query: "fact " + id, Hit: knowledge.Hit{Passage: p, Score: 1 / float64(c+1)}}, Keep: c < size.Candidates-1}
			if !v.Keep {
				v.Filter, v.Reason = "dedup", "near-duplicate of passage 0"
			}
			vs = append(vs, v)
			if v.Keep {
				exs = append(exs, model.Example{ID: "cpt:" + p.ID, Kind: "cpt", Text: p.Text, Origin: p.ID})
				if r == 1 && len(sample) < 2 {
					sample = append(sample, review.Item{Round: r, PassageID: p.ID, Source: p.Source, ItemID: id, Text: p.Text, URL: p.URL, License: p.License})
				}
			}
		}
	}
	for _, err := range []error{
		jsonl.Write(rundir.Artifact(dir, r, rundir.StageMistakes), ms, 0o644),
		jsonl.Write(rundir.Artifact(dir, r, rundir.StageQueries), qs, 0o644),
		jsonl.Write(rundir.Artifact(dir, r, rundir.StageCuration), vs, 0o644),
		trainset.WriteExamples(rundir.Artifact(dir, r, rundir.StageTrainset), exs),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(sample) > 0 {
		if err := review.WriteSample(dir, r, sample); err != nil {
			t.Fatal(err)
		}
	}
}
