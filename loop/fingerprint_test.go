package loop

import (
	"context"
	"github.com/cemlab/cem/rundir"
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
		st := fakeWorkers(fakeTrainer{})
		st.Retriever = printedRetriever{print: print}
		rec := &recorder{}
		if _, err := Run(context.Background(), Options{Dir: dir, Config: cfg, Suites: suites, Base: refAt(base), Workers: st, Observer: rec}); err != nil {
			t.Fatal(err)
		}
		return rec.redone()
	}
	run("index-a")
	if got := run("index-a"); got[rundir.StageRetrieval] {
		t.Errorf("same source fingerprint: retrieval redone; want reused")
	}
	if got := run("index-b"); !got[rundir.StageRetrieval] {
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

// emptyBuilder builds nothing, as when curation keeps no evidence.
type emptyBuilder struct{}

func (emptyBuilder) Build(context.Context, BuildInput) (TrainSet, error) { return TrainSet{}, nil }

// TestEmptyTrainsetKeepsModel: a round with nothing to train neither
// fails the run nor calls the trainer; it keeps the model and says why.
func TestEmptyTrainsetKeepsModel(t *testing.T) {
	cfg, suites, base := fixture(t, 2)
	calls := 0
	st := fakeWorkers(fakeTrainer{calls: &calls})
	st.Builder = emptyBuilder{}
	sum, err := Run(context.Background(), Options{Dir: t.TempDir(), Config: cfg, Suites: suites, Base: refAt(base), Workers: st})
	if err != nil {
		t.Fatalf("run with empty training sets: %v", err)
	}
	if calls != 0 {
		t.Errorf("trainer called %d times; want 0", calls)
	}
	if len(sum.Rounds) != 3 {
		t.Fatalf("rounds = %d; want 3", len(sum.Rounds))
	}
	for _, m := range sum.Rounds[1:] {
		if m.Gate.Accepted || len(m.Gate.Reasons) != 1 || m.Gate.Reasons[0] != errEmptyTrainset.Error() {
			t.Errorf("round %d gate = %+v; want not accepted, reason %q", m.Round, m.Gate, errEmptyTrainset)
		}
		if got, want := accOf(t, *sum, m.Round, "exam"), accOf(t, *sum, 0, "exam"); got != want {
			t.Errorf("round %d exam = %v; want round 0's %v (model kept)", m.Round, got, want)
		}
	}
}
