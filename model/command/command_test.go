package command

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/modeltest"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "llamafactory-cli train {{.Config}}", want: []string{"llamafactory-cli", "train", "{{.Config}}"}},
		{in: `sh -c 'echo "a b"; exit 3'`, want: []string{"sh", "-c", `echo "a b"; exit 3`}},
		{in: `cp "my file" x\ y "q\"uote"`, want: []string{"cp", "my file", "x y", `q"uote`}},
		{in: `  a   ''  b `, want: []string{"a", "", "b"}},
		{in: `echo 'open`, err: true},
		{in: `echo "open`, err: true},
		{in: `echo \`, err: true},
	}
	for _, tt := range tests {
		got, err := splitWords(tt.in)
		if (err != nil) != tt.err || (!tt.err && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("splitWords(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// roundSet returns a training set in <tmp>/run/round-2.
func roundSet(t *testing.T) model.TrainSet {
	return modeltest.RoundSet(t, filepath.Join("run", "round-2"), 9)
}

// collector gathers output lines as "<stream>: <text>".
type collector struct{ modeltest.Lines }

func (c *collector) add(l Line) { c.Add(l.Stream + ": " + l.Text) }

func TestTrainSuccess(t *testing.T) {
	tests := []struct {
		name, format, command string
		check                 func(t *testing.T, out string)
	}{
		{name: "jsonl", command: `sh -c 'mkdir -p "$1" && cp "$2" "$1/data.jsonl" && echo trained round $3 from $4' sh {{.OutDir}} {{.Data}} {{.Round}} {{.From}}`,
			check: func(t *testing.T, out string) {
				b, err := os.ReadFile(filepath.Join(out, "data.jsonl"))
				if err != nil || strings.Count(string(b), "\n") != 2 {
					t.Errorf("model/data.jsonl = %q, %v; want the 2 exported examples", b, err)
				}
			}},
		{name: "llamafactory", format: "llamafactory", command: `sh -c 'grep -q "output_dir: $2" "$1" && mkdir -p "$2" && cp "$1" "$2/"' sh {{.Config}} {{.OutDir}}`,
			check: func(t *testing.T, out string) {
				if _, err := os.Stat(filepath.Join(out, "train.yaml")); err != nil {
					t.Errorf("train.yaml not handed to the command: %v", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := roundSet(t)
			var c collector
			tr, err := New(Config{Command: tt.command, Format: tt.format}, c.add)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := tr.Train(context.Background(), model.Ref{Backend: "native", Path: "/models/base"}, set)
			if err != nil {
				t.Fatalf("Train: %v\noutput:\n%s", err, c.Text())
			}
			want := filepath.Join(set.Dir, "model")
			if ref.Path != want || ref.Backend != "native" {
				t.Errorf("Train = %+v; want native at %s", ref, want)
			}
			if tt.format == "" && !strings.Contains(c.Text(), "stdout: trained round 2 from /models/base") {
				t.Errorf("output lines = %q; want the command's stdout line", c.Text())
			}
			if _, err := os.Stat(want + ".partial"); !os.IsNotExist(err) {
				t.Errorf("staging folder left behind: %v", err)
			}
			tt.check(t, ref.Path)
		})
	}
}

func TestTrainServedName(t *testing.T) {
	set := roundSet(t)
	tr, err := New(Config{Command: "true", Backend: "openai", Name: "cem-round-{{.Round}}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := tr.Train(context.Background(), model.Ref{Backend: "openai", Name: "base"}, set)
	if err != nil {
		t.Fatal(err)
	}
	if want := (model.Ref{Backend: "openai", Name: "cem-round-2"}); ref != want {
		t.Errorf("Train = %+v; want %+v", ref, want)
	}
}

func TestTrainFailures(t *testing.T) {
	tests := []struct {
		name, command string
		prepare       func(set model.TrainSet)
		wantCode      int    // 0: not an ExitError
		want          string // in the error text
	}{
		{name: "exit 3", command: `sh -c 'echo step 1; echo "out of memory" >&2; mkdir -p "$1"; exit 3' sh {{.OutDir}}`,
			wantCode: 3, want: "out of memory"},
		{name: "missing program", command: "/no/such/trainer {{.Data}}", want: "starting /no/such/trainer"},
		{name: "wrote nothing", command: "true", want: "wrote no"},
		{name: "out dir exists", command: "true", want: "already exists",
			prepare: func(set model.TrainSet) { _ = os.MkdirAll(filepath.Join(set.Dir, "model"), 0o755) }},
		{name: "bad field", command: "echo {{.Nope}}", want: "Nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := roundSet(t)
			if tt.prepare != nil {
				tt.prepare(set)
			}
			tr, err := New(Config{Command: tt.command}, nil)
			if err != nil {
				t.Fatal(err)
			}
			from := model.Ref{Backend: "native", Path: filepath.Join(set.Dir, "..", "base")}
			ref, err := tr.Train(context.Background(), from, set)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Train = %+v, %v; want an error containing %q", ref, err, tt.want)
			}
			var ee *ExitError
			if got := errors.As(err, &ee); got != (tt.wantCode != 0) || (got && ee.Code != tt.wantCode) {
				t.Errorf("Train error %v: ExitError %v; want code %d", err, got, tt.wantCode)
			}
			if tt.name != "out dir exists" {
				if _, err := os.Stat(filepath.Join(set.Dir, "model")); !os.IsNotExist(err) {
					t.Errorf("a failed round created the model folder: %v", err)
				}
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	for _, cfg := range []Config{{}, {Command: "x", Format: "gguf"}, {Command: "x {{.Data"}, {Command: "x", Name: "{{"}} {
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("New(%+v) succeeded; want an error", cfg)
		}
	}
}
