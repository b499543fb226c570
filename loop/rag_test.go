package loop

import (
	"context"
	"strings"
	"testing"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/internal/progress"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// contextExaminer answers an item right when the model knows it or when
// its prompt's context states its question (the fake retriever's fact
// passage does).
type contextExaminer struct{ fakeExaminer }

func (e contextExaminer) Exam(ctx context.Context, m model.Model, s Suite, rep progress.Reporter) ([]rundir.Answer, error) {
	out, err := e.fakeExaminer.Exam(ctx, m, s, rep)
	for i, it := range s.Items {
		if it.Context != "" && strings.Contains(it.Context, it.Question) {
			out[i].Correct = true
		}
	}
	return out, err
}

// blindPlanner records the items it plans for.
type blindPlanner struct {
	fakePlanner
	asked *[]mistake.Mistake
}

func (p blindPlanner) Plan(ctx context.Context, ms []mistake.Mistake) ([]mistake.Query, error) {
	*p.asked = append(*p.asked, ms...)
	return p.fakePlanner.Plan(ctx, ms)
}

func TestRAGRoundExaminesWithContextAndTrainsNothing(t *testing.T) {
	cfg, suites, base := fixture(t, 3)
	cfg.Baseline = config.BaselineRAG
	suites[0].Items[1].Subject, suites[0].Items[1].Answer = "Chad", exam.OpenAnswer("N'Djamena")
	calls := 0
	var asked []mistake.Mistake
	w := fakeWorkers(fakeTrainer{calls: &calls})
	w.Examiner, w.Planner = contextExaminer{}, blindPlanner{asked: &asked}
	sum, err := Run(context.Background(), Options{Dir: t.TempDir(), Config: cfg, Suites: suites, Base: refAt(base), Workers: w})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Rounds) != 2 || calls != 0 {
		t.Fatalf("rows %d, trainer calls %d; want round 0 and one rag round, no training", len(sum.Rounds), calls)
	}
	for _, s := range []string{"exam", "heldout", "general"} {
		if got := accOf(t, *sum, 1, s); got != 1 {
			t.Errorf("rag round %s accuracy = %v; want 1 (every item's context states it)", s, got)
		}
	}
	if r1 := sum.Rounds[1]; r1.Mined != 0 || !r1.Gate.Accepted || r1.Model.Path != base {
		t.Errorf("rag round = mined %d, gate %+v, model %+v; want 0, accepted, the base %s", r1.Mined, r1.Gate, r1.Model, base)
	}
	n := 0
	for _, s := range suites {
		n += len(s.Items)
	}
	if len(asked) != n {
		t.Fatalf("planned %d items; want every item of every suite (%d)", len(asked), n)
	}
	for _, m := range asked {
		if m.Item.Answer.Text != "" || m.Item.Answer.Index != -1 || m.Item.Subject != "" || !strings.Contains(m.Item.ID, "/") {
			t.Errorf("planned %+v; want a blind item (no answer, no subject) keyed suite/id", m.Item)
		}
	}
}

func TestRAGContext(t *testing.T) {
	cands := []curate.Candidate{
		{MistakeID: "exam/a", Hit: knowledge.Hit{Score: 1, Passage: knowledge.Passage{ID: "p3", Title: "Low", Text: "low score passage"}}},
		{MistakeID: "exam/a", Hit: knowledge.Hit{Score: 3, Passage: knowledge.Passage{ID: "p1", Title: "Chad", Text: "Chad: a country whose capital is N'Djamena"}}},
		{MistakeID: "exam/a", Hit: knowledge.Hit{Score: 3, Passage: knowledge.Passage{ID: "p1", Title: "Chad", Text: "Chad: a country whose capital is N'Djamena"}}},
		{MistakeID: "exam/a", Hit: knowledge.Hit{Score: 2, Passage: knowledge.Passage{ID: "p2", Title: "Lake Chad", Text: "a lake in Africa"}}},
		{MistakeID: "heldout/a", Hit: knowledge.Hit{Score: 9, Passage: knowledge.Passage{ID: "p9", Text: "other suite"}}},
	}
	suites := []Suite{{Name: "exam", Items: []exam.Item{{ID: "a", Question: "q"}, {ID: "b", Question: "r"}}}}
	tests := []struct {
		rc   config.RAGConfig
		want string
	}{
		{config.RAGConfig{Passages: 2, Words: 60}, "Chad: a country whose capital is N'Djamena Lake Chad: a lake in Africa"},
		{config.RAGConfig{Passages: 1, Words: 60}, "Chad: a country whose capital is N'Djamena"},
		{config.RAGConfig{Passages: 3, Words: 4}, "Chad: a country whose"},
	}
	for _, tt := range tests {
		got := withContexts(suites, cands, tt.rc)
		if c := got[0].Items[0].Context; c != tt.want {
			t.Errorf("%+v: context = %q; want %q", tt.rc, c, tt.want)
		}
		if c := got[0].Items[1].Context; c != "" {
			t.Errorf("%+v: item without hits has context %q; want none", tt.rc, c)
		}
	}
	if suites[0].Items[0].Context != "" {
		t.Errorf("withContexts changed its input suites")
	}
}

func TestWarningsRecordedAndNoted(t *testing.T) {
	cfg, suites, base := fixture(t, 1)
	var notes []string
	obs := ObserverFunc(func(e Event) {
		if e.Kind == Note {
			notes = append(notes, e.Msg)
		}
	})
	dir := t.TempDir()
	if _, err := Run(context.Background(), Options{Dir: dir, Config: cfg, Suites: suites, Base: refAt(base),
		Workers: fakeWorkers(fakeTrainer{}), Observer: obs, Warnings: []string{"the Factbook is absent"}}); err != nil {
		t.Fatal(err)
	}
	_, s, err := readSummary(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 1 || s.Warnings[0] != "the Factbook is absent" || len(notes) == 0 || notes[0] != "warning: the Factbook is absent" {
		t.Errorf("summary warnings %q, notes %q; want the warning in metrics.json and as the first note", s.Warnings, notes)
	}
}
