package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/loop"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/command"
	"github.com/cemlab/cem/model/openai"
)

// ReportRevision is the line a deploy command may print on its standard
// output to identify what it serves (CEM_REVISION=<id>).
const ReportRevision = "CEM_REVISION"

// DeployFields are what the deploy section's templates see.
type DeployFields struct {
	Artifact string // the artifact's absolute path, or its name when it has no path
	Round    int    // the round whose model it is (0: the base model)
	Name     string // the served model name (empty inside the name template)
	BaseURL  string // model.base_url
	Run      string // the run folder
}

// CommandDeployer is the deploy step of a config: it runs the deploy
// command, then waits until the model section's server lists the served
// name under /models and answers one score request.
type CommandDeployer struct {
	Model   config.ModelConfig
	Seed    int64
	Timeout time.Duration
	// Poll is the wait between readiness checks; default 250ms.
	Poll time.Duration
	// Log gets the command's output lines at level info; nil is
	// slog.Default().
	Log *slog.Logger
	// Dir is where the command runs; default the run folder.
	Dir  string
	cmd  *command.Template
	name *template.Template
}

var _ loop.Deployer = (*CommandDeployer)(nil)

// NewDeployer parses the deploy section of cfg; errors name the key.
func NewDeployer(cfg *config.Config, log *slog.Logger) (*CommandDeployer, error) {
	d := cfg.Deploy
	cmd, err := command.ParseTemplate(d.Command)
	if err != nil {
		return nil, &config.FieldError{Key: "deploy.command", Msg: err.Error()}
	}
	name, err := template.New("name").Option("missingkey=error").Parse(d.Name)
	if err != nil {
		return nil, &config.FieldError{Key: "deploy.name", Msg: err.Error()}
	}
	return &CommandDeployer{Model: cfg.Model, Seed: cfg.Seed, Timeout: d.Timeout, Log: log, Dir: cfg.Dir(), cmd: cmd, name: name}, nil
}

// Deploy runs the command for req, then waits for readiness.
func (d *CommandDeployer) Deploy(ctx context.Context, req loop.DeployRequest) (loop.Deployment, error) {
	f := DeployFields{Artifact: req.Artifact.Path, Round: req.Round, BaseURL: d.Model.BaseURL, Run: req.Dir}
	if f.Artifact == "" {
		f.Artifact = req.Artifact.Name
	}
	var b strings.Builder
	if err := d.name.Execute(&b, f); err != nil {
		return loop.Deployment{}, fmt.Errorf("deploy.name: %w", err)
	}
	f.Name = strings.TrimSpace(b.String())
	if f.Name == "" {
		return loop.Deployment{}, errors.New("deploy.name: expands to an empty served name")
	}
	argv, err := d.cmd.Expand(f)
	if err != nil {
		return loop.Deployment{}, fmt.Errorf("deploy.command: %w", err)
	}
	var revision string
	dir := d.Dir
	if dir == "" {
		dir = req.Dir
	}
	err = command.Exec(ctx, argv, dir, nil, func(l command.Line) {
		if k, v, ok := strings.Cut(strings.TrimSpace(l.Text), "="); ok && l.Stream == "stdout" && k == ReportRevision {
			revision = strings.TrimSpace(v)
		}
		orDefault(d.Log).Info("  deploy: " + l.Text)
	})
	if err != nil {
		return loop.Deployment{}, fmt.Errorf("deploy.command (round %d, %s as %s): %w", req.Round, f.Artifact, f.Name, err)
	}
	served := model.Ref{Backend: config.BackendOpenAI, Name: f.Name}
	if err := d.waitReady(ctx, f.Name); err != nil {
		return loop.Deployment{}, err
	}
	return loop.Deployment{Served: served, Revision: revision}, nil
}

// waitReady polls until the server lists name and scores one item, or
// the timeout passes.
func (d *CommandDeployer) waitReady(ctx context.Context, name string) error {
	poll := d.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	deadline := time.Now().Add(d.Timeout)
	cfg := OpenAIConfig(d.Model, name, d.Seed)
	cfg.MaxRetries, cfg.CacheDir, cfg.Timeout = -1, "", min(30*time.Second, d.Timeout)
	m, err := openai.New(cfg)
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	var last error
	for {
		if last = d.ready(ctx, m, name); last == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("deploy.timeout: %s did not become ready at %s within %s: %w", name, d.Model.BaseURL, d.Timeout, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

// ready checks once: name listed by /models, then a one-item score (a
// one-token generation when the server has no prompt log-probs).
func (d *CommandDeployer) ready(ctx context.Context, m *openai.Model, name string) error {
	names, err := d.listModels(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(names, name) {
		return fmt.Errorf("/models lists %q, not %q", names, name)
	}
	_, err = m.Score(ctx, []model.ScoreRequest{{Prompt: "Question: Are you ready?\nAnswer:", Continuation: " Yes"}})
	if errors.Is(err, model.ErrNoLogprobs) {
		_, err = m.Generate(ctx, []model.GenerateRequest{{Prompt: "Question: Are you ready?\nAnswer:", MaxTokens: 1}})
	}
	if err != nil {
		return fmt.Errorf("one-item score: %w", err)
	}
	return nil
}

// listModels returns the ids /models lists.
func (d *CommandDeployer) listModels(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(d.Model.BaseURL, "/")+"/models", nil)
	if err != nil {
		return nil, err
	}
	if d.Model.APIKeyEnv != "" {
		req.Header.Set("Authorization", "Bearer "+os.Getenv(d.Model.APIKeyEnv))
	}
	for k, v := range d.Model.Headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET /models: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /models: HTTP %d", res.StatusCode)
	}
	var body struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("GET /models: %w", err)
	}
	ids := make([]string, len(body.Data))
	for i, m := range body.Data {
		ids[i] = m.ID
	}
	return ids, nil
}
