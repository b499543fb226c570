package finetune

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/internal/jobstate"
	"github.com/cemlab/cem/model"
)

// DefaultBaseURL is the API root used when Config.BaseURL is empty.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config configures a Trainer: the job a run config's trainer.openai
// section describes (its zero values mean the defaults documented on
// config.FineTuneConfig, but BaseURL's is DefaultBaseURL here: the
// model section's is the caller's to apply) and what only a program
// sets.
type Config struct {
	config.FineTuneConfig
	// MaxRetries is how many transient failures in a row (429, 5xx,
	// dropped connections) one request may have before Train gives up;
	// default 8.
	MaxRetries int
	// HTTPClient sends the requests; default a plain http.Client.
	HTTPClient *http.Client
}

// Usage is what the jobs a Trainer saw finish used.
type Usage struct {
	Jobs          int     // jobs that ended (successfully or not)
	TrainedTokens int64   // billable tokens the jobs report (trained_tokens)
	Seconds       float64 // created_at to finished_at, summed
}

// JobError is a fine-tuning job that ended without success.
type JobError struct {
	JobID   string
	Status  string // failed or cancelled
	Code    string // the API's error code, for a failed job
	Message string // the API's error message
	Param   string // the parameter at fault, when the API names one
}

func (e *JobError) Error() string {
	msg := fmt.Sprintf("finetune: job %s %s", e.JobID, e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Code != "" {
		msg += " (code " + e.Code
		if e.Param != "" {
			msg += ", param " + e.Param
		}
		msg += ")"
	}
	return msg
}

// Trainer trains through the fine-tuning API. It is safe for concurrent
// use on different training-set folders.
type Trainer struct {
	cfg      Config
	client   sdk.Client
	progress func(string)

	mu    sync.Mutex
	usage Usage
	seen  map[string]bool // job ids already counted
}

var _ model.Trainer = (*Trainer)(nil)

var suffixChars = regexp.MustCompile(`^[A-Za-z0-9._-]{1,18}$`)

// New checks cfg and reads the API key. progress receives a line per
// step of the job (upload, creation, status changes, the job's events);
// nil discards them. It sends no request.
func New(cfg Config, progress func(string)) (*Trainer, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	var errs []error
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base_url %q: want an http(s) URL such as %s", cfg.BaseURL, DefaultBaseURL))
	}
	if cfg.NEpochs < 0 || cfg.BatchSize < 0 || cfg.LearningRateMultiplier < 0 || cfg.MaxRetries < 0 {
		errs = append(errs, errors.New("n_epochs, batch_size, learning_rate_multiplier and max_retries must be >= 0"))
	}
	if cfg.Suffix != "" && !suffixChars.MatchString(cfg.Suffix) {
		errs = append(errs, fmt.Errorf("suffix %q: want 1 to 18 of A-Z a-z 0-9 . _ -", cfg.Suffix))
	}
	if cfg.Poll < 0 || cfg.PollMax < 0 {
		errs = append(errs, errors.New("poll and poll_max must be >= 0"))
	}
	var key string
	if cfg.APIKeyEnv != "" {
		if key = os.Getenv(cfg.APIKeyEnv); key == "" {
			errs = append(errs, fmt.Errorf("environment variable %s (api_key_env) is unset or empty", cfg.APIKeyEnv))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("finetune: %w", err)
	}
	if cfg.Suffix == "" {
		cfg.Suffix = "cem"
	}
	if cfg.Poll == 0 {
		cfg.Poll = 5 * time.Second
	}
	if cfg.PollMax == 0 {
		cfg.PollMax = time.Minute
	}
	cfg.PollMax = max(cfg.PollMax, cfg.Poll)
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 8
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 2 * time.Minute}
	}
	if progress == nil {
		progress = func(string) {}
	}
	client := sdk.NewClient(
		option.WithBaseURL(cfg.BaseURL),
		option.WithAPIKey(key), // also overrides any OPENAI_API_KEY in the environment
		option.WithHTTPClient(cfg.HTTPClient),
		option.WithMaxRetries(0), // retries are ours: a failed create must look before it creates again
	)
	return &Trainer{cfg: cfg, client: client, progress: progress, seen: map[string]bool{}}, nil
}

// Usage returns what the jobs seen to finish so far used.
func (t *Trainer) Usage() Usage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.usage
}

// state is the train stage's record of its job, <set.Dir>/finetune/job.json.
type state struct {
	Name      string    `json:"name"`
	Inputs    string    `json:"inputs"` // hash of what the job trains on and how
	BaseModel string    `json:"base_model"`
	Suffix    string    `json:"suffix"`
	FileID    string    `json:"file_id"`
	JobID     string    `json:"job_id,omitempty"` // empty between the upload and the job's creation
	Updated   time.Time `json:"updated"`
}

// StatePath is where Train records the job of the training set in dir.
func StatePath(dir string) string { return filepath.Join(dir, "finetune", "job.json") }

// Metadata keys the job carries, to be found again without its record.
const (
	metaName   = "cem_name"
	metaInputs = "cem_inputs"
)

// Train runs (or re-attaches to) the round's fine-tuning job and returns
// the fine-tuned model: Ref{Backend: "openai", Name: fine_tuned_model}.
// Errors: a *JobError when the job fails or is cancelled; the context's
// error when ctx ends first (the job is left running unless
// CancelOnInterrupt); errors of the export and of the API.
func (t *Trainer) Train(ctx context.Context, from model.Ref, set model.TrainSet) (model.Ref, error) {
	if set.Dir == "" {
		return model.Ref{}, errors.New("finetune: the training set has no folder (TrainSet.Dir)")
	}
	base := t.cfg.Model
	if base == "" {
		base = from.Name
	}
	if base == "" {
		return model.Ref{}, errors.New("finetune: no base model: set trainer.openai.model or start from a named model")
	}
	path := StatePath(set.Dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return model.Ref{}, fmt.Errorf("finetune: %w", err)
	}
	name := jobstate.Name(set.Dir)
	in, err := t.inputs(base, set)
	if err != nil {
		return model.Ref{}, err
	}
	st, err := jobstate.Read(path, func(s *state) bool { return s.FileID != "" || s.JobID != "" })
	if err != nil {
		return model.Ref{}, fmt.Errorf("finetune: %w", err)
	}
	if st != nil && st.Inputs != in {
		// An earlier attempt with other inputs: its job must not race ours.
		if err := t.retire(ctx, st.JobID); err != nil {
			return model.Ref{}, err
		}
		if err := os.Remove(path); err != nil {
			return model.Ref{}, fmt.Errorf("finetune: %w", err)
		}
		st = nil
	}
	if st == nil {
		st = &state{Name: name, Inputs: in, BaseModel: base, Suffix: t.suffix(name)}
	}
	if st.JobID == "" {
		if err := t.start(ctx, path, st, set); err != nil {
			return model.Ref{}, err
		}
	} else {
		t.progress(fmt.Sprintf("re-attaching to fine-tuning job %s (%s)", st.JobID, st.Name))
	}
	return t.wait(ctx, path, st)
}

// suffix is the fine-tuned model's suffix: Suffix, then the run, round
// and hash of the job name (at most 18+55 < 64 characters).
func (t *Trainer) suffix(name string) string {
	return t.cfg.Suffix + strings.TrimPrefix(name, "cem")
}

// inputs hashes what the job depends on, so that a changed set or
// config creates a new job instead of re-attaching.
func (t *Trainer) inputs(base string, set model.TrainSet) (string, error) {
	h := sha256.New()
	err := json.NewEncoder(h).Encode(struct {
		BaseURL, Model, Suffix string
		NEpochs, BatchSize     int
		LR                     float64
		Seed                   int64
		Examples               []model.Example
	}{t.cfg.BaseURL, base, t.cfg.Suffix, t.cfg.NEpochs, t.cfg.BatchSize, t.cfg.LearningRateMultiplier, set.Seed, set.Examples})
	if err != nil {
		return "", fmt.Errorf("finetune: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func (t *Trainer) record(path string, st *state) error {
	st.Updated = time.Now().UTC()
	if err := jobstate.Write(path, st); err != nil {
		return fmt.Errorf("finetune: recording job %s: %w", st.JobID, err)
	}
	return nil
}
