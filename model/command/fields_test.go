package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/model"
)

// TestFieldsAbsoluteWithHyperparameters: a relative training-set folder
// and base model still give absolute template paths; the round is the
// set's, and the hyperparameters reach the command.
func TestFieldsAbsoluteWithHyperparameters(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll(filepath.Join("run", "round-3", "train"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir("base", 0o755); err != nil {
		t.Fatal(err)
	}
	tr, err := New(Config{Command: "sh -c 'echo {{.Data}} {{.OutDir}} {{.From}} {{.Dir}} r{{.Round}} e{{.Epochs}} lr{{.LearningRate}} bt{{.BatchTokens}} s{{.Seed}}; mkdir {{.OutDir}}'",
		Epochs: 3, LearningRate: 0.002, BatchTokens: 512}, nil)
	if err != nil {
		t.Fatal(err)
	}
	set := model.TrainSet{Dir: filepath.Join("run", "round-3", "train"), Seed: 7, Round: 3,
		Examples: []model.Example{{ID: "a", Kind: "cpt", Text: "x"}}}
	job, err := tr.Prepare(model.Ref{Backend: "native", Path: "base"}, set)
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(job.Argv[2])
	for i, w := range words[1:5] {
		if !filepath.IsAbs(w) {
			t.Errorf("path field %d = %q; want absolute", i, w)
		}
	}
	if got := strings.Join(words[5:10], " "); got != "r3 e3 lr0.002 bt512 s7;" {
		t.Errorf("round and hyperparameters = %q; want r3 e3 lr0.002 bt512 s7;", got)
	}
}

// TestReportedModel: CEM_MODEL_NAME / CEM_MODEL_PATH lines on stdout are
// the new model; a command that writes and reports nothing is an error
// naming both ways.
func TestReportedModel(t *testing.T) {
	set := roundSet(t)
	tr, err := New(Config{Command: "sh -c 'echo training; echo CEM_MODEL_NAME=ft:base:r{{.Round}}; mkdir -p {{.Dir}}/adapter; echo CEM_MODEL_PATH=adapter'", Backend: "openai"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := tr.Train(t.Context(), model.Ref{Name: "base"}, set)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Name != "ft:base:r2" || ref.Path != filepath.Join(set.Dir, "adapter") || ref.Backend != "openai" {
		t.Errorf("reported ref = %+v; want name ft:base:r2, path <set>/adapter, backend openai", ref)
	}
	empty, err := New(Config{Command: "true"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = empty.Train(t.Context(), model.Ref{Name: "base"}, roundSet(t))
	if err == nil || !strings.Contains(err.Error(), "wrote no") || !strings.Contains(err.Error(), ReportName) {
		t.Errorf("a trainer that writes nothing: %v; want an error naming the output folder and %s", err, ReportName)
	}
}
