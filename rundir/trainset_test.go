package rundir

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/trainset"
)

// TestReadTrainset reads a training set the way the loop writes it: the
// examples as the artifact, the mix in the stage manifest's Extra.
func TestReadTrainset(t *testing.T) {
	run := t.TempDir()
	set := []model.Example{{ID: "a", Kind: "cpt", Text: "x"}, {ID: "b", Kind: "cpt", Text: "y"}, {ID: "c", Kind: "normative", Prompt: "q", Text: "z"}}
	if err := os.MkdirAll(Round(run, 1), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := trainset.WriteExamples(Artifact(run, 1, StageTrainset), set); err != nil {
		t.Fatal(err)
	}
	got, m, err := ReadTrainset(run, 1)
	if err != nil || len(got) != len(set) || m != nil {
		t.Fatalf("ReadTrainset without manifest = %d examples, %v, %v; want %d, nil, nil", len(got), m, err, len(set))
	}
	write := func(mix trainset.Manifest) {
		t.Helper()
		extra, _ := json.Marshal(mix)
		if err := WriteJSON(ManifestPath(run, 1, StageTrainset), Manifest{Stage: StageTrainset, Round: 1, Extra: extra}); err != nil {
			t.Fatal(err)
		}
	}
	write(trainset.Manifest{Round: 1, Seed: 7, Kinds: []trainset.KindCount{{Kind: "cpt", Examples: 2}, {Kind: "normative", Examples: 1}}})
	if _, m, err := ReadTrainset(run, 1); err != nil || m == nil || m.Seed != 7 {
		t.Fatalf("ReadTrainset with the loop's manifest = %+v, %v; want the mix with seed 7", m, err)
	}
	write(trainset.Manifest{Round: 1, Kinds: []trainset.KindCount{{Kind: "cpt", Examples: 2}, {Kind: "normative", Examples: 5}}})
	if _, _, err := ReadTrainset(run, 1); err == nil || !strings.Contains(err.Error(), "normative") {
		t.Errorf("ReadTrainset with a disagreeing mix = %v; want an error naming normative", err)
	}
	if _, _, err := ReadTrainset(run, 2); err == nil {
		t.Error("ReadTrainset of a missing round succeeded; want an error")
	}
}
