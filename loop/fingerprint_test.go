package loop

import (
	"context"
	"testing"
)

// printedRetriever is fakeRetriever with a fingerprint, as a retriever
// over a rebuilt index has.
type printedRetriever struct {
	fakeRetriever
	print string
}

func (p printedRetriever) Fingerprint() string { return p.print }

// TestRetrievalRedoneWhenSourceChanges: a source whose fingerprint
// changes (an index rebuilt from other corpora) redoes retrieval; the
// same fingerprint reuses it.
func TestRetrievalRedoneWhenSourceChanges(t *testing.T) {
	cfg, suites, base := fixture(t, 1)
	dir := t.TempDir()
	run := func(print string) map[string]bool {
		t.Helper()
		st := fakeStages(fakeTrainer{})
		st.Retriever = printedRetriever{print: print}
		rec := &recorder{}
		if _, err := Run(context.Background(), Options{Dir: dir, Config: cfg, Suites: suites, Base: refAt(base), Stages: st, Observer: rec}); err != nil {
			t.Fatal(err)
		}
		return rec.redone()
	}
	run("index-a")
	if got := run("index-a"); got[StageRetrieval] {
		t.Errorf("same source fingerprint: retrieval redone; want reused")
	}
	if got := run("index-b"); !got[StageRetrieval] {
		t.Errorf("changed source fingerprint: retrieval reused; want redone")
	}
}

// recorder notes the stages a run produced (not reused).
type recorder struct{ events []Event }

func (r *recorder) Event(e Event) { r.events = append(r.events, e) }

func (r *recorder) redone() map[string]bool {
	out := map[string]bool{}
	for _, e := range r.events {
		if e.Kind == StageFinished && e.Round > 0 {
			out[e.Stage] = true
		}
	}
	return out
}
