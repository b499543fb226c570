package command

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/native"
)

// buildCem builds the cem binary into a temporary folder (skipped in -short mode).
func buildCem(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the cem binary; skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "cem")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/cem").CombinedOutput()
	if err != nil {
		t.Fatalf("cannot build cmd/cem: %v\n%s", err, out)
	}
	if help, err := exec.Command(bin, "model", "train", "--help").CombinedOutput(); err != nil ||
		!strings.Contains(string(help), "--from") {
		t.Fatalf("cem model train --help lacks --from: %v\n%s", err, help)
	}
	return bin
}

// TestNativeTrainerEndToEnd drives cem's own trainer as an external
// command, exactly as LLaMA-Factory or axolotl would be driven.
func TestNativeTrainerEndToEnd(t *testing.T) {
	bin := buildCem(t)
	base := filepath.Join(t.TempDir(), "base")
	texts := []string{
		"N'Djamena is the capital of Chad. Chad is a country in Africa.",
		"Paris is the capital of France. France is a country in Europe.",
	}
	quick := native.Options{Steps: 2, BatchTokens: 128, SeqLen: 64}
	if _, err := native.Pretrain(context.Background(), texts, nil,
		native.PretrainOptions{Size: "tiny", TokenizerBytes: 4096, Train: withOut(quick, base)}); err != nil {
		t.Fatalf("Pretrain: %v", err)
	}
	set := roundSet(t)
	var c collector
	tr, err := New(Config{Command: bin + " model train --from {{.From}} --data {{.Data}} --out {{.OutDir}} --steps 2 --batch-tokens 128 --seq-len 64 --log-every 1"}, c.add)
	if err != nil {
		t.Fatal(err)
	}
	from := model.Ref{Backend: native.Backend, Path: base}
	ref, err := tr.Train(context.Background(), from, set)
	if err != nil {
		t.Fatalf("Train: %v\noutput:\n%s", err, c.Text())
	}
	if !strings.Contains(c.Text(), "step 2/2") {
		t.Errorf("trainer output = %q; want its progress lines streamed", c.Text())
	}
	m, err := native.OpenRef(ref)
	if err != nil {
		t.Fatalf("opening the trained checkpoint %+v: %v", ref, err)
	}
	s, err := m.Score(context.Background(), []model.ScoreRequest{{Prompt: "Capital of Chad?", Continuation: "N'Djamena"}})
	if err != nil || s[0].Tokens == 0 || s[0].LogProb >= 0 {
		t.Errorf("Score on the trained model = %+v, %v; want a negative log-probability", s, err)
	}
	if _, err := os.Stat(filepath.Join(base, "config.json")); err != nil {
		t.Errorf("the base checkpoint changed: %v", err)
	}

	// A failing trainer (a data file that is not JSON Lines) fails the
	// round and leaves the base in place.
	bad, err := New(Config{Command: bin + " model train --from {{.From}} --data " + filepath.Join(set.Dir, "nope.jsonl") + " --out {{.OutDir}}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	set2 := roundSet(t)
	_, err = bad.Train(context.Background(), from, set2)
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 2 {
		t.Errorf("Train with missing data = %v; want an ExitError with code 2", err)
	}
}

func withOut(o native.Options, out string) native.Options { o.Out = out; return o }
