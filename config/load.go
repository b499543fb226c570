package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads, strictly decodes, defaults and validates the config file at
// path. Every path inside it (see PathFields) is relative to the file's
// folder, whatever the working directory: Load makes each one absolute,
// once, so nothing downstream resolves a path again. Errors name the
// file, the line and the key: unknown keys, values of the wrong type and
// invalid values are all *FieldError.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			fe.File = path
			return nil, fe
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c.Resolve(dir)
	c.file = path
	return c, nil
}

// Parse decodes data strictly, applies defaults and validates. Errors are
// *FieldError carrying the key and line; relative paths are left as
// written (see Resolve).
func Parse(data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(err)
	}
	var c Config
	if len(bytes.TrimSpace(data)) > 0 {
		if fe := checkTree(&root, reflect.TypeFor[Config]()); fe != nil {
			return nil, fe
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			return nil, &FieldError{Key: "config", Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
		}
	}
	if top := root.Content; len(top) > 0 {
		k, _ := mapEntry(top[0], "rounds")
		c.roundsSet = k != nil
	}
	c.ApplyDefaults()
	c.root = &root
	if err := c.Validate(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			fe.Line = lineOf(&root, fe.Key)
		}
		return nil, err
	}
	return &c, nil
}

// Resolve joins every relative path of c (see PathFields) to dir; with an
// absolute dir (Load passes the config file's folder) every path ends up
// absolute.
func (c *Config) Resolve(dir string) {
	for _, f := range c.PathFields() {
		if p := *f.Path; p != "" && !filepath.IsAbs(p) {
			*f.Path = filepath.Join(dir, p)
		}
	}
}

// Kinds of file a path key names (PathField.Kind).
const (
	PathModel    = "model"    // a native checkpoint folder
	PathSuite    = "suite"    // a suite's JSON Lines file
	PathIndex    = "index"    // a BM25 index file
	PathExamples = "examples" // a JSON Lines file of training examples
	PathPrompt   = "prompt"   // a prompt template file
	PathCache    = "cache"    // a cache folder, made when missing
	PathDocs     = "docs"     // a folder of documents, which must exist
	PathBuilt    = "built"    // a file cem builds when missing or stale (a docs source's index)
	// PathArtifact is a served model's artifact (a GGUF file, a folder of
	// weights, an adapter): it must exist, in whatever form.
	PathArtifact = "artifact"
)

// PathField is one path-valued key of a config.
type PathField struct {
	Key   string  // dotted key, e.g. "suites[1].path"
	Label string  // what the key belongs to (a suite's name); "" when none
	Kind  string  // what the path names: PathModel, PathSuite, ...
	Path  *string // the value, in place
}

// PathFields lists every path-valued key of c in file order: the one
// list that Resolve and the input checks of `cem run` go through, so a
// new path key is added here and nowhere else.
func (c *Config) PathFields() []PathField {
	modelKind := PathModel
	if c.Model.Backend == BackendOpenAI {
		modelKind = PathArtifact // what the trainer trains and the deploy step serves
	}
	fs := []PathField{{Key: "model.path", Kind: modelKind, Path: &c.Model.Path},
		{Key: "model.cache_dir", Kind: PathCache, Path: &c.Model.CacheDir}}
	for i := range c.Suites {
		s := &c.Suites[i]
		fs = append(fs, PathField{Key: fmt.Sprintf("suites[%d].path", i), Label: s.Name, Kind: PathSuite, Path: &s.Path})
	}
	fs = append(fs, PathField{Key: "sources.index", Kind: PathIndex, Path: &c.Sources.Index})
	for i := range c.Sources.List {
		s := &c.Sources.List[i]
		fs = append(fs,
			PathField{Key: fmt.Sprintf("sources.list[%d].path", i), Label: s.Name, Kind: PathIndex, Path: &s.Path},
			PathField{Key: fmt.Sprintf("sources.list[%d].cache", i), Label: s.Name, Kind: PathCache, Path: &s.Cache},
			PathField{Key: fmt.Sprintf("sources.list[%d].dir", i), Label: s.Name, Kind: PathDocs, Path: &s.Dir},
			PathField{Key: fmt.Sprintf("sources.list[%d].index", i), Label: s.Name, Kind: PathBuilt, Path: &s.Index})
	}
	fs = append(fs, PathField{Key: "mix.general_examples", Kind: PathExamples, Path: &c.Mix.GeneralExamples})
	if h := c.Helper; h != nil {
		fs = append(fs,
			PathField{Key: "helper.path", Kind: PathModel, Path: &h.Path},
			PathField{Key: "helper.cache_dir", Kind: PathCache, Path: &h.CacheDir},
			PathField{Key: "helper.prompts.extract", Kind: PathPrompt, Path: &h.Prompts.Extract},
			PathField{Key: "helper.prompts.write", Kind: PathPrompt, Path: &h.Prompts.Write},
			PathField{Key: "helper.prompts.paraphrase", Kind: PathPrompt, Path: &h.Prompts.Paraphrase})
	}
	return fs
}

// Where returns where key is written: "file:line" for a loaded config,
// "file" when the key is absent from it, "line N" for a parsed one and
// "" when neither is known.
func (c *Config) Where(key string) string {
	line := 0
	if c.root != nil {
		line = lineOf(c.root, key)
	}
	switch {
	case c.file != "" && line > 0:
		return fmt.Sprintf("%s:%d", c.file, line)
	case c.file != "":
		return c.file
	case line > 0:
		return fmt.Sprintf("line %d", line)
	}
	return ""
}

// syntaxError turns a YAML syntax error into a *FieldError. yaml.v3
// gives no node and no structured position for one, only its message
// "yaml: line N: what"; the line is read from there.
func syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	fe := &FieldError{Key: "config", Msg: msg}
	if n, err := fmt.Sscanf(msg, "line %d:", &fe.Line); n == 1 && err == nil {
		fe.Msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return fe
}

// Validate checks every value; the error is a *FieldError naming the
// first bad key (its Line is filled in by Parse).
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	if c.Rounds < 0 {
		return bad("rounds", "must be >= 0, got %d", c.Rounds)
	}
	if c.Baseline != "" && !slices.Contains(Baselines(), c.Baseline) {
		return bad("baseline", "unknown mode %q (want one of %s)", c.Baseline, strings.Join(Baselines(), ", "))
	}
	if c.BaselineScale < 0 || c.BaselineScale != 0 && c.BaselineScale != 1 && !Scalable(c.Baseline) {
		return bad("baseline_scale", "%g: only the random and random-evidence baselines take a scale > 0", c.BaselineScale)
	}
	if c.RAG.Passages < 0 || c.RAG.Words < 0 {
		return bad("rag", "passages and words must be >= 0")
	}
	backends := []string{BackendNative, BackendOpenAI, BackendCommand}
	if !slices.Contains(backends, c.Model.Backend) {
		return bad("model.backend", "unknown backend %q (want %s)", c.Model.Backend, strings.Join(backends, ", "))
	}
	switch c.Model.Backend {
	case BackendNative:
		if c.Model.Path == "" {
			return bad("model.path", "the native backend needs a checkpoint folder")
		}
	case BackendOpenAI:
		if c.Model.BaseURL == "" || c.Model.Name == "" {
			return bad("model.base_url", "the openai backend needs base_url and name")
		}
	}
	if trainerBackends := append(slices.Clone(backends), BackendSlurm); !slices.Contains(trainerBackends, c.Trainer.Backend) {
		return bad("trainer.backend", "unknown backend %q (want %s)", c.Trainer.Backend, strings.Join(trainerBackends, ", "))
	}
	if err := c.validateSlurm(); err != nil {
		return err
	}
	if err := c.validateFineTune(); err != nil {
		return err
	}
	if c.Trainer.Backend == BackendCommand && strings.TrimSpace(c.Trainer.Command) == "" {
		return bad("trainer.command", "the command backend needs a command line")
	}
	if c.Trainer.Epochs < 0 || c.Trainer.BatchTokens < 0 || c.Trainer.LearningRate < 0 {
		return bad("trainer", "epochs, batch_tokens and learning_rate must be >= 0")
	}
	if c.Exam.BatchSize < 0 || c.Exam.Limit < 0 {
		return bad("exam", "batch_size and limit must be >= 0")
	}
	if c.Curation.MinSources < 0 {
		return bad("curation.min_sources", "must be >= 0, got %d", c.Curation.MinSources)
	}
	if c.Exam.Scoring != "" && !slices.Contains(ScoringModes(), c.Exam.Scoring) {
		return bad("exam.scoring", "unknown scoring %q (want one of %s)", c.Exam.Scoring, strings.Join(ScoringModes(), ", "))
	}
	if err := c.validateSuites(); err != nil {
		return err
	}
	if c.Sources.K < 0 {
		return bad("sources.k", "must be >= 0, got %d", c.Sources.K)
	}
	for name, k := range c.Sources.PerSource {
		if k < 0 {
			return bad("sources.per_source."+name, "must be >= 0, got %d", k)
		}
	}
	if err := c.validateSourceList(); err != nil {
		return err
	}
	if c.Mistakes.MaxItems < 0 {
		return bad("mistakes.max_items", "must be >= 0, got %d", c.Mistakes.MaxItems)
	}
	if c.Curation.MaxPerItem < 0 {
		return bad("curation.max_per_item", "must be >= 0, got %d", c.Curation.MaxPerItem)
	}
	for _, f := range []struct {
		key string
		v   float64
	}{{"mix.cpt", c.Mix.CPT}, {"mix.augment", c.Mix.Augment}, {"mix.normative", c.Mix.Normative}, {"mix.extractive", c.Mix.Extractive},
		{"mix.review", c.Mix.Review}, {"mix.general", c.Mix.General}, {"mix.epochs", float64(c.Mix.Epochs)},
		{"mix.budget_tokens", float64(c.Mix.BudgetTokens)}} {
		if f.v < 0 {
			return bad(f.key, "must be >= 0, got %g", f.v)
		}
	}
	if c.Mix.Replay < 0 || c.Mix.Replay > 0.9 {
		return bad("mix.replay", "must be in [0, 0.9], got %g", c.Mix.Replay)
	}
	for _, k := range slices.Sorted(maps.Keys(c.Mix.Weights)) {
		if !slices.Contains(MixKinds, k) {
			return bad("mix.weights."+k, "unknown example kind (want one of %s)", strings.Join(MixKinds, ", "))
		}
		if w := c.Mix.Weights[k]; w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return bad("mix.weights."+k, "must be a finite weight >= 0, got %g", w)
		}
	}
	if err := validatePrice("model.price", c.Model.Price); err != nil {
		return err
	}
	if err := c.validateReview(); err != nil {
		return err
	}
	if err := c.validateHelper(); err != nil {
		return err
	}
	return c.validateServed()
}

// validateSlurm checks trainer.slurm and that the slurm backend has a
// command line.
func (c *Config) validateSlurm() error {
	t := c.Trainer
	bad := func(key, format string, args ...any) error {
		return &FieldError{Key: "trainer." + key, Msg: fmt.Sprintf(format, args...)}
	}
	if t.Backend != BackendSlurm {
		if t.Slurm != nil {
			return bad("slurm", "set, but trainer.backend is %s (want slurm)", t.Backend)
		}
		return nil
	}
	if strings.TrimSpace(t.Command) == "" {
		return bad("command", "the slurm backend needs the command line its job runs")
	}
	s := t.Slurm
	if s == nil {
		return nil
	}
	if s.GPUs < 0 {
		return bad("slurm.gpus", "must be >= 0, got %d", s.GPUs)
	}
	if s.CPUs < 0 {
		return bad("slurm.cpus", "must be >= 0, got %d", s.CPUs)
	}
	for _, f := range [][2]string{{"partition", s.Partition}, {"mem", s.Mem}, {"time", s.Time}} {
		if strings.ContainsAny(f[1], " \t\r\n") {
			return bad("slurm."+f[0], "%q contains white space", f[1])
		}
	}
	for i, l := range s.Extra {
		if strings.ContainsAny(l, "\r\n") || strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "#SBATCH")) == "" {
			return bad(fmt.Sprintf("slurm.extra[%d]", i), "want one #SBATCH option, e.g. --qos=high; got %q", l)
		}
	}
	return nil
}

// validateHelper checks the helper section, when present.
func (c *Config) validateHelper() error {
	h := c.Helper
	if h == nil {
		return nil
	}
	bad := func(key, format string, args ...any) error {
		return &FieldError{Key: "helper." + key, Msg: fmt.Sprintf(format, args...)}
	}
	switch h.Backend {
	case BackendOpenAI:
		if strings.TrimSpace(h.BaseURL) == "" {
			return bad("base_url", "the openai helper needs base_url (e.g. http://localhost:8000/v1)")
		}
		if !isHTTP(h.BaseURL) {
			return bad("base_url", "want an http(s) URL, got %q", h.BaseURL)
		}
		if strings.TrimSpace(h.Name) == "" {
			return bad("name", "the openai helper needs the served model name")
		}
		if h.Path != "" {
			return bad("path", "only the native helper has a checkpoint path")
		}
	case BackendNative:
		if h.Path == "" {
			return bad("path", "the native helper needs a checkpoint folder")
		}
		for _, f := range [][2]string{{"base_url", h.BaseURL}, {"name", h.Name}, {"api_key_env", h.APIKeyEnv}} {
			if f[1] != "" {
				return bad(f[0], "only the openai helper has %s", f[0])
			}
		}
	case "":
		return bad("backend", "missing (want openai or native)")
	default:
		return bad("backend", "unknown backend %q (want openai or native)", h.Backend)
	}
	if err := validatePrice("helper.price", h.Price); err != nil {
		return err
	}
	if h.Prompts.Extract != "" && !*h.Extract {
		return bad("prompts.extract", "set, but helper.extract is false")
	}
	if h.Prompts.Write != "" && !*h.Write {
		return bad("prompts.write", "set, but helper.write is false")
	}
	if h.Prompts.Paraphrase != "" && !*h.Write {
		return bad("prompts.paraphrase", "set, but helper.write is false")
	}
	return nil
}

func validatePrice(key string, p PriceConfig) error {
	if p.PromptPer1K < 0 {
		return &FieldError{Key: key + ".prompt_per_1k", Msg: fmt.Sprintf("must be >= 0, got %g", p.PromptPer1K)}
	}
	if p.CompletionPer1K < 0 {
		return &FieldError{Key: key + ".completion_per_1k", Msg: fmt.Sprintf("must be >= 0, got %g", p.CompletionPer1K)}
	}
	return nil
}

func (c *Config) validateSuites() error {
	names := map[string]bool{}
	exams := 0
	for i, s := range c.Suites {
		key := fmt.Sprintf("suites[%d]", i)
		if !slices.Contains(Roles(), s.Role) {
			return &FieldError{Key: key + ".role", Msg: fmt.Sprintf("unknown role %q (want %s)", s.Role, strings.Join(Roles(), ", "))}
		}
		if s.Path == "" {
			return &FieldError{Key: key + ".path", Msg: "missing suite file"}
		}
		if names[s.Name] {
			return &FieldError{Key: key + ".name", Msg: fmt.Sprintf("duplicate suite name %q", s.Name)}
		}
		names[s.Name] = true
		if s.Role == RoleExam {
			exams++
		}
	}
	if exams == 0 {
		return &FieldError{Key: "suites", Msg: "need at least one suite with role exam"}
	}
	return nil
}

var indexKey = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// lineOf finds the line of a dotted key ("suites[1].role") in a decoded
// document, falling back to the deepest parent found; 0 when none.
func lineOf(doc *yaml.Node, key string) int {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, part := range strings.Split(key, ".") {
		idx := -1
		if m := indexKey.FindStringSubmatch(part); m != nil {
			part = m[1]
			idx, _ = strconv.Atoi(m[2])
		}
		k, v := mapEntry(n, part)
		if k == nil {
			return line
		}
		line, n = k.Line, v
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		}
	}
	return line
}

// mapEntry returns the key and value nodes of key in mapping n, or nils.
func mapEntry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

var fineTuneSuffix = regexp.MustCompile(`^[A-Za-z0-9._-]{1,18}$`)

// validateFineTune checks trainer.openai and that the openai backend
// trains a model served by the API (model.backend openai).
func (c *Config) validateFineTune() error {
	t := c.Trainer
	bad := func(key, format string, args ...any) error {
		return &FieldError{Key: "trainer." + key, Msg: fmt.Sprintf(format, args...)}
	}
	if t.Backend != BackendOpenAI {
		if t.OpenAI != nil {
			return bad("openai", "set, but trainer.backend is %s (want openai)", t.Backend)
		}
		return nil
	}
	if c.Model.Backend != BackendOpenAI {
		return bad("backend", "openai fine-tunes a hosted model; set model.backend: openai (with its base_url and name)")
	}
	f := t.OpenAI
	if f == nil {
		return nil
	}
	if f.BaseURL != "" {
		if u, err := url.Parse(f.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("openai.base_url", "want an http(s) URL such as https://api.openai.com/v1, got %q", f.BaseURL)
		}
	}
	for _, n := range []struct {
		key string
		v   float64
	}{{"n_epochs", float64(f.NEpochs)}, {"learning_rate_multiplier", f.LearningRateMultiplier},
		{"batch_size", float64(f.BatchSize)}, {"poll", float64(f.Poll)}, {"poll_max", float64(f.PollMax)}} {
		if n.v < 0 {
			return bad("openai."+n.key, "must be >= 0, got %v", n.v)
		}
	}
	if f.Suffix != "" && !fineTuneSuffix.MatchString(f.Suffix) {
		return bad("openai.suffix", "want 1 to 18 of A-Z a-z 0-9 . _ -, got %q", f.Suffix)
	}
	return nil
}
