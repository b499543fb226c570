package loop

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/rundir"
)

// fakeDeployer "serves" an artifact by recording it; the served model is
// the artifact itself, named served-r<round>, with a revision per call.
type fakeDeployer struct{ calls []DeployRequest }

func (d *fakeDeployer) Deploy(ctx context.Context, req DeployRequest) (Deployment, error) {
	d.calls = append(d.calls, req)
	return Deployment{Served: model.Ref{Backend: "fake", Path: req.Artifact.Path, Name: fmt.Sprintf("served-r%d", req.Round)},
		Revision: fmt.Sprintf("rev-%d", len(d.calls))}, nil
}

// TestDeployBeforeReexamAndAfterRollback: each trained model is deployed
// before its exam, which opens the served model; a rolled-back round
// deploys the accepted model back; a changed artifact is deployed and
// examined again instead of reusing the stale exam.
func TestDeployBeforeReexamAndAfterRollback(t *testing.T) {
	cfg, suites, base := fixture(t, 2)
	dir := t.TempDir()
	d := &fakeDeployer{}
	st := fakeWorkers(fakeTrainer{})
	st.Deployer = d
	if _, err := Run(context.Background(), Options{Dir: dir, Config: cfg, Suites: suites, Base: refAt(base), Workers: st}); err != nil {
		t.Fatal(err)
	}
	if len(d.calls) != 2 || d.calls[0].Round != 1 || d.calls[1].Round != 2 {
		t.Fatalf("deploy calls %+v; want rounds 1 and 2", d.calls)
	}
	ds, err := rundir.ReadJSONL[Deployment](filepath.Join(dir, "round-1", StageDeploy+".jsonl"))
	if err != nil || len(ds) != 1 || ds[0].Revision != "rev-1" || ds[0].Served.Name != "served-r1" || ds[0].Fingerprint == "" {
		t.Fatalf("round-1 deploy record %+v (%v)", ds, err)
	}

	// Unchanged: nothing is deployed or examined again.
	if _, err := Run(context.Background(), Options{Dir: dir, Config: cfg, Suites: suites, Base: refAt(base), Workers: st}); err != nil {
		t.Fatal(err)
	}
	if len(d.calls) != 2 {
		t.Errorf("a finished run deployed again: %+v", d.calls)
	}
	// Weights altered in round 1's artifact are damage to the run folder
	// (the train stage's outputs are hash-verified): round 1 is trained
	// again, to the same weights, so its deployment and exam stand.
	trained := filepath.Join(dir, "round-1", "train", "model")
	if _, err := writeFacts(trained, []string{"exam question 5"}); err != nil {
		t.Fatal(err)
	}
	var redone []string
	obs := ObserverFunc(func(e Event) {
		if e.Kind == StageFinished {
			redone = append(redone, fmt.Sprintf("%d/%s", e.Round, e.Stage))
		}
	})
	if _, err := Run(context.Background(), Options{Dir: dir, Config: cfg, Suites: suites, Base: refAt(base), Workers: st, Observer: obs}); err != nil {
		t.Fatal(err)
	}
	// (The fake suites' items have no choices, so their mistakes do not
	// read back and are always redone; that is the fixture, not the loop.)
	if !slices.Contains(redone, "1/"+rundir.StageTrain) || slices.Contains(redone, "1/"+rundir.StageExam) || len(d.calls) != 2 {
		t.Errorf("after damaging round 1's weights: stages redone %v, deploy calls %d; want 1/train redone, no exam and no new deployment", redone, len(d.calls))
	}

	// A round that forgets is rolled back and the base is deployed back.
	cfg2, suites2, base2 := fixture(t, 1)
	dir2 := t.TempDir()
	d2 := &fakeDeployer{}
	st2 := fakeWorkers(fakeTrainer{forget: "general"})
	st2.Deployer = d2
	sum, err := Run(context.Background(), Options{Dir: dir2, Config: cfg2, Suites: suites2, Base: refAt(base2), Workers: st2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rounds[1].Gate.Accepted {
		t.Fatal("round 1 forgot the general suite but was accepted")
	}
	if len(d2.calls) != 2 || d2.calls[1].Round != 0 || d2.calls[1].Artifact.Path != base2 {
		t.Errorf("deploy calls %+v; want round 1, then the base (round 0) deployed back", d2.calls)
	}
	if _, err := os.Stat(filepath.Join(dir2, "round-1", StageRedeploy+".jsonl")); err != nil {
		t.Errorf("no redeploy record: %v", err)
	}
}
