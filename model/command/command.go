package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/cemlab/cem/internal/jobstate"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/trainset"
	"github.com/cemlab/cem/trainset/export"
)

// FormatJSONL is cem's own training-set format: model.Example per line.
const FormatJSONL = "jsonl"

// Config configures a Trainer. Command is required; every other zero value
// means the documented default.
type Config struct {
	// Command is the command line, a text/template over Fields, e.g.
	// "cem model train --from {{.From}} --data {{.Data}} --out {{.OutDir}}".
	Command string `json:"command"`
	// Format is how the set is written for the command: "jsonl" (default;
	// {{.Data}} is a JSON Lines file of model.Example) or an export format
	// (llamafactory, axolotl, trl, openai; {{.Data}} is the export folder
	// and {{.Config}} the trainer config inside it).
	Format string `json:"format,omitempty"`
	// OutDir is a template for the folder the new model goes to. Default
	// "{{.Dir}}/model", inside the training set's folder. It must not exist
	// yet. The command writes to OutDir + ".partial" (that is what
	// {{.OutDir}} expands to), renamed to OutDir on success.
	OutDir string `json:"out_dir,omitempty"`
	// Backend is the Backend of the returned Ref. Default "native".
	Backend string `json:"backend,omitempty"`
	// Name is a template for the returned Ref's Name, for trainers whose
	// result is a served model (e.g. "cem-round-{{.Round}}"). Default none.
	Name string `json:"name,omitempty"`
	// Env adds KEY=VALUE pairs to the command's environment (which is
	// otherwise cem's own).
	Env []string `json:"env,omitempty"`
	// Epochs, LearningRate and BatchTokens are the trainer section's
	// hyperparameters, passed to the templates as they are (0: unset).
	Epochs       int     `json:"epochs,omitempty"`
	LearningRate float64 `json:"learning_rate,omitempty"`
	BatchTokens  int     `json:"batch_tokens,omitempty"`
	// Dir is the working directory. Default: the training set's folder.
	Dir string `json:"dir,omitempty"`
	// TailLines is how many of the last output lines a failure reports.
	// Default 20.
	TailLines int `json:"tail_lines,omitempty"`
	// KillGrace is how long a cancelled command has between SIGTERM and
	// SIGKILL (sent to its whole process group). Default 5s.
	KillGrace time.Duration `json:"kill_grace,omitempty"`
}

// Fields are what the templates see. Every path is absolute.
type Fields struct {
	Config   string // the trainer config written by the export ("" for jsonl)
	Data     string // the training data: a JSONL file, or the export folder
	OutDir   string // where the command must write the new model (staging folder)
	From     string // the base model: Ref.Path, or Ref.Name when there is no path
	FromName string // Ref.Name of the base model
	// Round is the set's round (TrainSet.Round), else from a folder named
	// round-<r> or inside one (round-<r>/train), else 0.
	Round int
	Dir   string // the training set's folder
	Seed  int64  // the training set's seed
	// Epochs, LearningRate and BatchTokens are Config's.
	Epochs       int
	LearningRate float64
	BatchTokens  int
}

// Line is one line of the command's output.
type Line struct {
	Stream string // "stdout" or "stderr"
	Text   string
}

// Trainer runs an external command to train. It is safe for concurrent
// use if the commands it runs are.
type Trainer struct {
	cfg    Config
	words  []*template.Template
	out    *template.Template
	name   *template.Template
	onLine func(Line)
}

var _ model.Trainer = (*Trainer)(nil)

// New parses cfg's templates. onLine receives every output line as it
// arrives (from two goroutines, one per stream, never concurrently); nil
// discards them. It fails on an empty or unparsable command or template,
// or an unknown format.
func New(cfg Config, onLine func(Line)) (*Trainer, error) {
	if cfg.Format == "" {
		cfg.Format = FormatJSONL
	}
	if cfg.Format != FormatJSONL {
		if _, err := export.ParseFormat(cfg.Format); err != nil {
			return nil, fmt.Errorf("command: format: %w", err)
		}
	}
	if cfg.OutDir == "" {
		cfg.OutDir = "{{.Dir}}/model"
	}
	if cfg.Backend == "" {
		cfg.Backend = "native"
	}
	if cfg.TailLines <= 0 {
		cfg.TailLines = 20
	}
	if cfg.KillGrace <= 0 {
		cfg.KillGrace = 5 * time.Second
	}
	words, err := splitWords(cfg.Command)
	if err != nil {
		return nil, fmt.Errorf("command: %q: %w", cfg.Command, err)
	}
	if len(words) == 0 {
		return nil, errors.New("command: empty command")
	}
	t := &Trainer{cfg: cfg, onLine: onLine}
	for i, w := range words {
		tmpl, err := parse(fmt.Sprintf("word %d", i+1), w)
		if err != nil {
			return nil, fmt.Errorf("command: %q: %w", cfg.Command, err)
		}
		t.words = append(t.words, tmpl)
	}
	if t.out, err = parse("out_dir", cfg.OutDir); err != nil {
		return nil, fmt.Errorf("command: %w", err)
	}
	if cfg.Name != "" {
		if t.name, err = parse("name", cfg.Name); err != nil {
			return nil, fmt.Errorf("command: %w", err)
		}
	}
	return t, nil
}

func parse(name, text string) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return t, nil
}

func expand(t *template.Template, f Fields) (string, error) { return expandAny(t, f) }

func expandAny(t *template.Template, data any) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Train exports set, runs the command and returns the new model's Ref.
// Outcomes: the Ref (Backend from the config, Path the output folder if
// the command wrote one, Name from the name template); or an *ExitError
// when the command exits non-zero; or an error when set has no folder,
// the output folder already exists, the export or a template fails, the
// command cannot start, or ctx is cancelled (the process group is killed).
// from is never modified.
func (t *Trainer) Train(ctx context.Context, from model.Ref, set model.TrainSet) (model.Ref, error) {
	job, err := t.Prepare(from, set)
	if err != nil {
		return model.Ref{}, err
	}
	var rep reported
	if err := t.run(ctx, job.Argv, job.Fields.Dir, rep.line); err != nil {
		return model.Ref{}, err
	}
	ref, err := t.finish(job, &rep)
	if err != nil {
		return model.Ref{}, err
	}
	return ref, nil
}

// Job is a prepared training command: the expanded command line, the
// template fields it was expanded with and the final output folder. It
// is what a trainer that runs the command elsewhere (package model/slurm)
// records to find the result again after a restart.
type Job struct {
	Argv   []string `json:"argv"`
	Fields Fields   `json:"fields"`
	Final  string   `json:"final"` // the output folder; Fields.OutDir is Final + ".partial"
}

// Prepare checks the output folder, removes a staging folder left by an
// earlier failed attempt, exports set and expands the command line, so
// that the command can run. Errors: set has no folder, the output folder
// exists or is the base model's, the export or a template fails.
func (t *Trainer) Prepare(from model.Ref, set model.TrainSet) (Job, error) {
	if set.Dir == "" {
		return Job{}, errors.New("command: the training set has no folder (TrainSet.Dir)")
	}
	dir, err := filepath.Abs(set.Dir)
	if err != nil {
		return Job{}, fmt.Errorf("command: %w", err)
	}
	f := Fields{From: from.Path, FromName: from.Name, Dir: dir, Seed: set.Seed,
		Epochs: t.cfg.Epochs, LearningRate: t.cfg.LearningRate, BatchTokens: t.cfg.BatchTokens}
	if f.From != "" {
		if f.From, err = filepath.Abs(f.From); err != nil {
			return Job{}, fmt.Errorf("command: %w", err)
		}
	} else {
		f.From = from.Name
	}
	f.Round = set.Round
	if f.Round == 0 {
		f.Round = RoundOf(set.Dir)
	}
	final, err := expand(t.out, f)
	if err != nil {
		return Job{}, fmt.Errorf("command: out_dir: %w", err)
	}
	if final, err = filepath.Abs(final); err != nil {
		return Job{}, fmt.Errorf("command: out_dir: %w", err)
	}
	if from.Path != "" && f.From == final {
		return Job{}, fmt.Errorf("command: out_dir %s is the base model's folder; it would be overwritten", final)
	}
	if _, err := os.Stat(final); err == nil {
		return Job{}, fmt.Errorf("command: out_dir %s already exists; remove it or choose another out_dir", final)
	}
	f.OutDir = final + ".partial"
	if err := os.RemoveAll(f.OutDir); err != nil { // left by an earlier failed attempt
		return Job{}, fmt.Errorf("command: %w", err)
	}
	if err := t.export(&f, set); err != nil {
		return Job{}, err
	}
	argv := make([]string, len(t.words))
	for i, w := range t.words {
		if argv[i], err = expand(w, f); err != nil {
			return Job{}, fmt.Errorf("command: %w", err)
		}
	}
	return Job{Argv: argv, Fields: f, Final: final}, nil
}

// Finish turns a job whose command succeeded into the new model's Ref:
// the staging folder, when the command wrote one, is renamed to the
// final folder (a final folder with no staging folder beside it is taken
// as renamed by an earlier Finish), and the name template is expanded.
// It fails when there is neither a folder nor a name.
func (t *Trainer) Finish(job Job) (model.Ref, error) { return t.finish(job, &reported{}) }

// finish is Finish with what the command reported on its output: a
// CEM_MODEL_PATH or CEM_MODEL_NAME line wins over the folder and the
// name template.
func (t *Trainer) finish(job Job, rep *reported) (model.Ref, error) {
	ref := model.Ref{Backend: t.cfg.Backend}
	if rep.path != "" {
		p := rep.path
		if !filepath.IsAbs(p) {
			p = filepath.Join(job.Fields.Dir, p)
		}
		if _, err := os.Stat(p); err != nil {
			return model.Ref{}, fmt.Errorf("command: %s=%s: %w", ReportPath, rep.path, err)
		}
		os.RemoveAll(job.Fields.OutDir) // unused staging folder
		ref.Path = p
	} else if _, err := os.Stat(job.Fields.OutDir); err == nil {
		if err := os.Rename(job.Fields.OutDir, job.Final); err != nil {
			return model.Ref{}, fmt.Errorf("command: %w", err)
		}
		ref.Path = job.Final
	} else if _, err := os.Stat(job.Final); err == nil {
		ref.Path = job.Final
	}
	if t.name != nil {
		var err error
		if ref.Name, err = expand(t.name, job.Fields); err != nil {
			return model.Ref{}, fmt.Errorf("command: name: %w", err)
		}
	}
	if rep.name != "" {
		ref.Name = rep.name
	}
	if ref.Path == "" && ref.Name == "" {
		prog := ""
		if len(job.Argv) > 0 {
			prog = job.Argv[0]
		}
		return model.Ref{}, fmt.Errorf("command: %s succeeded but wrote no %s, printed no %s= or %s= line, and no name template is set",
			prog, job.Fields.OutDir, ReportPath, ReportName)
	}
	return ref, nil
}

// RoundOf returns r for a training-set folder named round-<r>, or inside
// one (its "train" folder, as the loop lays them out), else 0.
func RoundOf(dir string) int { return jobstate.Round(dir) }

// export writes the set where the command expects it and fills Data and
// Config.
func (t *Trainer) export(f *Fields, set model.TrainSet) error {
	if t.cfg.Format == FormatJSONL {
		f.Data = filepath.Join(f.Dir, "command", "trainset.jsonl")
		if err := os.MkdirAll(filepath.Dir(f.Data), 0o755); err != nil {
			return fmt.Errorf("command: %w", err)
		}
		if err := trainset.WriteExamples(f.Data, set.Examples); err != nil {
			return fmt.Errorf("command: %w", err)
		}
		return nil
	}
	res, err := export.Write(filepath.Join(f.Dir, "export-"+t.cfg.Format), export.Format(t.cfg.Format), set.Examples,
		export.Options{BaseModel: f.From, OutputDir: f.OutDir, Round: f.Round, Seed: set.Seed})
	if err != nil {
		return fmt.Errorf("command: %w", err)
	}
	f.Data, f.Config = res.Dir, res.Config
	return nil
}

// Lines a training command may print on its standard output to say what
// it made: the new model's artifact (a path, relative to the training
// set's folder or absolute) or its name (a served or hosted model).
const (
	ReportPath = "CEM_MODEL_PATH"
	ReportName = "CEM_MODEL_NAME"
)

// reported is what the command printed about its result (the last line
// of each kind wins).
type reported struct {
	mu         sync.Mutex
	path, name string
}

func (r *reported) line(l Line) {
	if l.Stream != "stdout" {
		return
	}
	k, v, ok := strings.Cut(strings.TrimSpace(l.Text), "=")
	if !ok || strings.TrimSpace(v) == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch k {
	case ReportPath:
		r.path = strings.TrimSpace(v)
	case ReportName:
		r.name = strings.TrimSpace(v)
	}
}
