package loop

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model"
)

// factModel is a scripted model whose knowledge is a set of questions it
// answers right. It is only for the loop's mechanics.
type factModel struct{ known map[string]bool }

func (m *factModel) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	return nil, fmt.Errorf("factModel: Score not scripted")
}

func (m *factModel) Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	return nil, fmt.Errorf("factModel: Generate not scripted")
}

// factCheckpoint is the on-disk form of a factModel.
type factCheckpoint struct {
	Known []string `json:"known"`
}

func writeFacts(dir string, known []string) (model.Ref, error) {
	slices.Sort(known)
	known = slices.Compact(known)
	if err := rundir.WriteJSON(filepath.Join(dir, "facts.json"), factCheckpoint{Known: known}); err != nil {
		return model.Ref{}, err
	}
	return model.Ref{Backend: "fake", Path: dir}, nil
}

type fakeOpener struct{}

func (fakeOpener) Open(ctx context.Context, ref model.Ref) (model.Model, error) {
	var c factCheckpoint
	if err := rundir.ReadJSON(filepath.Join(ref.Path, "facts.json"), &c); err != nil {
		return nil, err
	}
	m := &factModel{known: map[string]bool{}}
	for _, q := range c.Known {
		m.known[q] = true
	}
	return m, nil
}

type fakeExaminer struct{}

func (fakeExaminer) Exam(ctx context.Context, m model.Model, s Suite, rep progress.Reporter) ([]rundir.Answer, error) {
	fm := m.(*factModel)
	var out []rundir.Answer
	for i, it := range s.Items {
		ok := fm.known[it.Question]
		conf := 0.2
		if ok {
			conf = 0.9
		}
		out = append(out, rundir.Answer{Result: exam.Result{ID: it.ID, Correct: ok, Confidence: conf, Margin: conf - 0.5}})
		progress.Report(rep, progress.Update{Done: i + 1, Total: len(s.Items)})
	}
	return out, nil
}

type fakeMiner struct{}

func (fakeMiner) Mine(ctx context.Context, suites []Suite, answers []rundir.Answer) ([]mistake.Mistake, error) {
	items := map[string]exam.Item{}
	for _, s := range suites {
		for _, it := range s.Items {
			items[s.Name+"/"+it.ID] = it
		}
	}
	var out []mistake.Mistake
	for _, a := range answers {
		if !a.Correct {
			out = append(out, mistake.Mistake{Item: items[a.Suite+"/"+a.ID], Suite: a.Suite, Kind: mistake.Wrong, Priority: 1})
		}
	}
	return out, nil
}

type fakePlanner struct{}

func (fakePlanner) Plan(ctx context.Context, ms []mistake.Mistake) ([]mistake.Query, error) {
	var out []mistake.Query
	for _, m := range ms {
		out = append(out, mistake.Query{MistakeID: m.Item.ID, Query: knowledge.Query{Text: m.Item.Question}})
	}
	return out, nil
}

type fakeRetriever struct{}

func (fakeRetriever) Retrieve(ctx context.Context, qs []mistake.Query) ([]curate.Candidate, error) {
	var out []curate.Candidate
	for _, q := range qs {
		out = append(out,
			curate.Candidate{MistakeID: q.MistakeID, Query: q.Text, Hit: knowledge.Hit{Score: 2, Passage: knowledge.Passage{
				ID: "fact:" + q.MistakeID, Source: "facts", Text: q.Text, License: "CC0"}}},
			curate.Candidate{MistakeID: q.MistakeID, Query: q.Text, Hit: knowledge.Hit{Score: 1, Passage: knowledge.Passage{
				ID: "junk:" + q.MistakeID, Source: "junk", Text: "unrelated"}}})
	}
	return out, nil
}

type fakeCurator struct{}

func (fakeCurator) Curate(ctx context.Context, ms []mistake.Mistake, cs []curate.Candidate, suites []Suite) ([]curate.Verdict, error) {
	out := make([]curate.Verdict, len(cs))
	for i, c := range cs {
		out[i] = curate.Verdict{Candidate: c, Keep: c.Source != "junk"}
		if !out[i].Keep {
			out[i].Filter, out[i].Reason = "support", "passage does not mention the item"
		}
	}
	return out, nil
}

type fakeBuilder struct{}

func (fakeBuilder) Build(ctx context.Context, in BuildInput) (TrainSet, error) {
	var ex []model.Example
	for _, e := range in.Evidence {
		ex = append(ex, model.Example{ID: "cpt:" + e.ID, Kind: "cpt", Text: e.Text})
	}
	for _, r := range in.Previous {
		if r.Kind == "cpt" {
			r.Kind = "review"
			ex = append(ex, r)
		}
	}
	return TrainSet{Examples: ex, Manifest: map[string]int{"cpt": len(in.Evidence), "review": len(in.Previous)}}, nil
}

// fakeTrainer learns the text of every cpt example; with forget set it
// also forgets the questions containing forget.
type fakeTrainer struct {
	opener fakeOpener
	forget string
	calls  *int
}

func (t fakeTrainer) Train(ctx context.Context, from model.Ref, set model.TrainSet) (model.Ref, error) {
	if t.calls != nil {
		*t.calls++
	}
	m, err := t.opener.Open(ctx, from)
	if err != nil {
		return model.Ref{}, err
	}
	fm := m.(*factModel)
	for _, e := range set.Examples {
		if e.Kind == "cpt" {
			fm.known[e.Text] = true
		}
	}
	var known []string
	for q := range fm.known {
		if t.forget == "" || !strings.Contains(q, t.forget) {
			known = append(known, q)
		}
	}
	if err := os.MkdirAll(set.Dir, 0o755); err != nil {
		return model.Ref{}, err
	}
	return writeFacts(filepath.Join(set.Dir, "model"), known)
}

func fakeWorkers(tr fakeTrainer) Workers {
	return Workers{Examiner: fakeExaminer{}, Miner: fakeMiner{}, Planner: fakePlanner{}, Retriever: fakeRetriever{},
		Curator: fakeCurator{}, Builder: fakeBuilder{}, Trainer: tr, Opener: fakeOpener{}}
}

// readSummary reads a run's metrics.json as raw bytes and decoded.
func readSummary(dir string) ([]byte, rundir.Summary, error) {
	data, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		return nil, rundir.Summary{}, err
	}
	var s rundir.Summary
	err = json.Unmarshal(data, &s)
	return data, s, err
}

func refAt(dir string) model.Ref { return model.Ref{Backend: "fake", Path: dir} }
