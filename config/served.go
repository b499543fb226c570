package config

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"time"
)

// OpenAIOptions are the openai backend's settings beyond the endpoint and
// the name, for the model and the helper alike (see package model/openai
// for what each does). Zero values mean the backend's defaults.
type OpenAIOptions struct {
	// PromptTemplate is a Go template turning cem's prompt ({{.Prompt}})
	// into the raw text sent to /v1/completions: the model's own chat or
	// instruction format. Default "{{.Prompt}}".
	PromptTemplate string `yaml:"prompt_template,omitempty"`
	// ScoreMode is auto (default: probe once for prompt log-probabilities),
	// logprobs (always score by likelihood) or letter (never).
	ScoreMode string `yaml:"score_mode,omitempty"`
	// GenerateMode is chat (default: /v1/chat/completions) or completions
	// (/v1/completions with the prompt template).
	GenerateMode string `yaml:"generate_mode,omitempty"`
	// Concurrency bounds the requests in flight; default 4.
	Concurrency int `yaml:"concurrency,omitempty"`
	// Timeout bounds one attempt of one request, e.g. 30s; default 2m.
	Timeout time.Duration `yaml:"timeout,omitempty"`
	// MaxRetries is how often a failed request is retried; default 4,
	// negative never.
	MaxRetries int `yaml:"max_retries,omitempty"`
	// CacheDir caches responses (a folder, relative to the config file,
	// made when missing); empty disables the cache.
	CacheDir string `yaml:"cache_dir,omitempty"`
	// Headers are extra HTTP headers sent with every request (a gateway's
	// routing or tenant header); secrets belong in api_key_env.
	Headers map[string]string `yaml:"headers,omitempty"`
	// Revision identifies what the server serves under the name when
	// there is no model.path to hash (a checkpoint id, a git sha): it
	// enters the round-0 exam's hash, so new weights behind the same name
	// are examined again.
	Revision string `yaml:"revision,omitempty"`
}

// DeployConfig is the deploy step: after each round's training (and
// again after a rollback, to put the accepted model back) cem runs
// Command, then waits until the model section's server lists the served
// name under /v1/models and answers one score request, and re-examines
// the served model through the openai backend.
type DeployConfig struct {
	// Command is a Go template over {{.Artifact}} (the trained artifact:
	// an absolute path, or the trainer's model name when it wrote no
	// file), {{.Round}}, {{.Name}} (the served name), {{.BaseURL}} and
	// {{.Run}} (the run folder); it runs in the config file's folder. A
	// line CEM_REVISION=<id> on its standard
	// output identifies what is served; otherwise the artifact's content
	// hash does.
	Command string `yaml:"command"`
	// Name is a template for the served model name (same fields but
	// Name); default model.name.
	Name string `yaml:"name"`
	// Timeout bounds the wait for readiness after the command; default 5m.
	Timeout time.Duration `yaml:"timeout"`
}

// Served name and readiness defaults of the deploy step.
const defaultDeployTimeout = 5 * time.Minute

// applyServedDefaults fills the defaults of the exam and deploy keys.
func (c *Config) applyServedDefaults() {
	if c.Exam.Mode == "" {
		c.Exam.Mode = ExamAuto
	}
	if c.Exam.Scoring == "" {
		c.Exam.Scoring = ScoringMean
	}
	if c.Exam.MaxFailures == nil {
		c.Exam.MaxFailures = ptr(10)
	}
	if d := c.Deploy; d != nil {
		if d.Name == "" {
			d.Name = c.Model.Name
		}
		if d.Timeout == 0 {
			d.Timeout = defaultDeployTimeout
		}
	}
}

// ExamOnly reports whether the run is the round-0 exam alone (rounds: 0).
func (c *Config) ExamOnly() bool { return c.Rounds == 0 }

// validateServed checks the openai options, the exam modes, the deploy
// step and the combinations that cannot run.
func (c *Config) validateServed() error {
	bad := func(key, format string, args ...any) error {
		return &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	if err := validateOpenAI("model", c.Model.Backend, c.Model.OpenAIOptions); err != nil {
		return err
	}
	if h := c.Helper; h != nil {
		if err := validateOpenAI("helper", h.Backend, h.OpenAIOptions); err != nil {
			return err
		}
	}
	modes := []string{ExamAuto, ExamLikelihood, ExamLetter, ExamGenerate}
	if !slices.Contains(modes, c.Exam.Mode) {
		return bad("exam.mode", "unknown mode %q (want %s)", c.Exam.Mode, strings.Join(modes, ", "))
	}
	if c.Exam.Mode == ExamLikelihood && c.Model.ScoreMode == "letter" {
		return bad("exam.mode", "likelihood needs prompt log-probabilities, but model.score_mode is letter")
	}
	if d := c.Deploy; d != nil {
		if c.Model.Backend != BackendOpenAI {
			return bad("deploy", "set, but model.backend is %s; the deploy step serves the trained model to an openai model", c.Model.Backend)
		}
		if strings.TrimSpace(d.Command) == "" {
			return bad("deploy.command", "missing (the command that serves {{.Artifact}} as {{.Name}})")
		}
		for _, f := range [][2]string{{"command", d.Command}, {"name", d.Name}} {
			if _, err := template.New(f[0]).Parse(f[1]); err != nil {
				return bad("deploy."+f[0], "bad template: %v", err)
			}
		}
		if d.Timeout < 0 {
			return bad("deploy.timeout", "must be >= 0, got %s", d.Timeout)
		}
	}
	// A command or slurm trainer without a deploy step must name the
	// served model (trainer.name, or a CEM_MODEL_NAME= line it prints);
	// the round checks that it did.
	if c.Rounds > 0 && c.Model.Backend == BackendOpenAI && c.Deploy == nil && c.Trainer.Backend == BackendNative {
		return bad("trainer.backend", "the native trainer trains native checkpoints, but model.backend is openai "+
			"and there is no deploy step to serve what it trains; add a deploy section, use a command trainer "+
			"whose result is a served model name (trainer.name or a printed CEM_MODEL_NAME=), or set rounds: 0 for an exam-only run")
	}
	return nil
}

// validateOpenAI checks one section's openai options.
func validateOpenAI(section, backend string, o OpenAIOptions) error {
	bad := func(key, format string, args ...any) error {
		return &FieldError{Key: section + "." + key, Msg: fmt.Sprintf(format, args...)}
	}
	if backend != BackendOpenAI {
		for _, f := range [][2]string{{"prompt_template", o.PromptTemplate}, {"score_mode", o.ScoreMode},
			{"generate_mode", o.GenerateMode}, {"cache_dir", o.CacheDir}, {"revision", o.Revision}} {
			if f[1] != "" {
				return bad(f[0], "only the openai backend has %s (%s.backend is %s)", f[0], section, backend)
			}
		}
		if o.Concurrency != 0 || o.Timeout != 0 || o.MaxRetries != 0 || len(o.Headers) > 0 {
			return bad("backend", "concurrency, timeout, max_retries and headers are openai settings, but the backend is %s", backend)
		}
		return nil
	}
	if o.ScoreMode != "" && !slices.Contains([]string{"auto", "logprobs", "letter"}, o.ScoreMode) {
		return bad("score_mode", "unknown mode %q (want auto, logprobs or letter)", o.ScoreMode)
	}
	if o.GenerateMode != "" && o.GenerateMode != "chat" && o.GenerateMode != "completions" {
		return bad("generate_mode", "unknown mode %q (want chat or completions)", o.GenerateMode)
	}
	if o.PromptTemplate != "" {
		if _, err := template.New("prompt").Parse(o.PromptTemplate); err != nil {
			return bad("prompt_template", "bad template: %v", err)
		}
		if !strings.Contains(o.PromptTemplate, ".Prompt") {
			return bad("prompt_template", "never uses {{.Prompt}}, so every request would be the same text")
		}
	}
	if o.Concurrency < 0 {
		return bad("concurrency", "must be >= 0, got %d", o.Concurrency)
	}
	if o.Timeout < 0 {
		return bad("timeout", "must be >= 0, got %s", o.Timeout)
	}
	for k, v := range o.Headers {
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " :\r\n") || strings.ContainsAny(v, "\r\n") {
			return bad("headers", "bad header %q: %q", k, v)
		}
	}
	return nil
}

// Dir is the absolute folder of the config file Load read (where the
// deploy command runs, so that its relative paths follow the config
// file's rule); "" for a parsed config.
func (c *Config) Dir() string {
	if c.file == "" {
		return ""
	}
	d, err := filepath.Abs(filepath.Dir(c.file))
	if err != nil {
		return ""
	}
	return d
}
