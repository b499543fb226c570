package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cemlab/cem/internal/jsonl"
	"github.com/cemlab/cem/model"
)

// Format names an export format.
type Format string

// The formats.
const (
	LlamaFactory Format = "llamafactory"
	Axolotl      Format = "axolotl"
	TRL          Format = "trl"
	OpenAI       Format = "openai"
)

// Formats lists every format, in a stable order.
var Formats = []Format{LlamaFactory, Axolotl, TRL, OpenAI}

// ParseFormat returns the format named s, or an error listing the choices.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Formats, f) {
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: want llamafactory, axolotl, trl or openai", s)
}

// Options fill the trainer configs. The zero value works: configs then
// hold placeholders to edit.
type Options struct {
	BaseModel string  // model to train: a path or hub id; default "BASE_MODEL"
	OutputDir string  // where the trainer writes; default "<dir>/output"
	Round     int     // the round, for names (the OpenAI job suffix)
	Seed      int64   // the trainer's seed
	Epochs    float64 // default 1
	CutoffLen int     // maximum sequence length; default 2048
	Template  string  // LLaMA-Factory chat template; default "default"
}

func (o *Options) applyDefaults(dir string) {
	if o.BaseModel == "" {
		o.BaseModel = "BASE_MODEL"
	}
	if o.OutputDir == "" {
		o.OutputDir = filepath.Join(dir, "output")
	}
	if o.Epochs <= 0 {
		o.Epochs = 1
	}
	if o.CutoffLen <= 0 {
		o.CutoffLen = 2048
	}
	if o.Template == "" {
		o.Template = "default"
	}
}

// Result describes an export; it is also written as export.json.
type Result struct {
	Format Format `json:"format"`
	Dir    string `json:"dir"`
	Config string `json:"config"` // the trainer config (path)
	// Files maps each data file (base name) to its example count per kind.
	Files map[string]map[string]int `json:"files"`
	// Mix is each kind's share of the examples.
	Mix   map[string]float64 `json:"mix"`
	Notes []string           `json:"notes,omitempty"`
}

// isText reports whether e trains on every token (CPT, replay).
func isText(e model.Example) bool { return e.Prompt == "" }

// Write exports examples to dir in format f. dir is replaced as a whole:
// files are written to a new folder beside it, which is then renamed over
// dir. It fails on an empty set, an example with no text, or a write error.
func Write(dir string, f Format, examples []model.Example, opts Options) (Result, error) {
	if _, err := ParseFormat(string(f)); err != nil {
		return Result{}, fmt.Errorf("export: %w", err)
	}
	if len(examples) == 0 {
		return Result{}, errors.New("export: the training set is empty")
	}
	for i, e := range examples {
		if strings.TrimSpace(e.Text) == "" {
			return Result{}, fmt.Errorf("export: example %d (%s): empty text", i, e.ID)
		}
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return Result{}, fmt.Errorf("export: %w", err)
	}
	opts.applyDefaults(dir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return Result{}, fmt.Errorf("export: %w", err)
	}
	stage, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return Result{}, fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(stage) // a no-op after the rename
	w := &writer{stage: stage, final: dir, res: Result{Format: f, Dir: dir, Files: map[string]map[string]int{}, Mix: mixOf(examples)}}
	switch f {
	case LlamaFactory:
		err = w.llamaFactory(examples, opts)
	case Axolotl:
		err = w.axolotl(examples, opts)
	case TRL:
		err = w.trl(examples, opts)
	case OpenAI:
		err = w.openAI(examples, opts)
	}
	if err == nil {
		w.noteWeights(examples)
		err = w.json("export.json", w.res)
	}
	if err == nil {
		err = replaceDir(stage, dir)
	}
	if err != nil {
		return Result{}, fmt.Errorf("export %s to %s: %w", f, dir, err)
	}
	return w.res, nil
}

// replaceDir renames stage to dir, moving an existing dir aside first.
func replaceDir(stage, dir string) error {
	old := dir + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(stage, dir); err != nil {
		_ = os.Rename(old, dir)
		return err
	}
	return os.RemoveAll(old)
}

func mixOf(examples []model.Example) map[string]float64 {
	mix := map[string]float64{}
	for _, e := range examples {
		mix[e.Kind]++
	}
	for k := range mix {
		mix[k] /= float64(len(examples))
	}
	return mix
}

// writer accumulates files in the staging folder and the Result.
type writer struct {
	stage, final string
	res          Result
}

// path is the final path of a file named name.
func (w *writer) path(name string) string { return filepath.Join(w.final, name) }

// jsonl writes one JSON record per example (rec may skip one by returning
// nil) and counts kinds under name.
func (w *writer) jsonl(name string, examples []model.Example, rec func(model.Example) any) error {
	var recs []any
	counts := map[string]int{}
	for _, e := range examples {
		r := rec(e)
		if r == nil {
			continue
		}
		recs = append(recs, r)
		counts[e.Kind]++
	}
	b, err := jsonl.Marshal(recs)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	w.res.Files[name] = counts
	return os.WriteFile(filepath.Join(w.stage, name), b, 0o644)
}

func (w *writer) json(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(filepath.Join(w.stage, name), append(b, '\n'), 0o644)
}

// yaml writes v with a comment header and records it as the config.
func (w *writer) yaml(name, header string, v any) error {
	var buf bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		buf.WriteString("# " + line + "\n")
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	w.res.Config = w.path(name)
	return os.WriteFile(filepath.Join(w.stage, name), buf.Bytes(), 0o644)
}

func (w *writer) noteWeights(examples []model.Example) {
	n := 0
	for _, e := range examples {
		if e.Weight != 0 && e.Weight != 1 {
			n++
		}
	}
	if n > 0 {
		w.res.Notes = append(w.res.Notes, fmt.Sprintf(
			"%d examples have a loss weight other than 1; %s cannot express per-example weights, so they train at weight 1", n, w.res.Format))
	}
}
