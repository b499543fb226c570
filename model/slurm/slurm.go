package slurm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/cemlab/cem/internal/atomicfile"
	"github.com/cemlab/cem/internal/jobstate"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/command"
)

// Config configures a Trainer. The embedded command.Config's Command is
// required; its Dir (default: the training set's folder) becomes the
// job's working directory; KillGrace is unused.
type Config struct {
	command.Config
	// Partition is the partition the job is submitted to; default the
	// cluster's default partition.
	Partition string `json:"partition,omitempty"`
	// GPUs is the number of GPUs the job asks for (--gpus); 0 asks none.
	GPUs int `json:"gpus,omitempty"`
	// CPUs is the number of CPUs of the job's task (--cpus-per-task).
	CPUs int `json:"cpus,omitempty"`
	// Mem is the job's memory (--mem), e.g. "16G".
	Mem string `json:"mem,omitempty"`
	// Time is the job's time limit (--time), e.g. "2:00:00"; past it the
	// job times out and the round fails.
	Time string `json:"time,omitempty"`
	// Extra are more #SBATCH options, one per line, e.g. "--qos=high"
	// (a leading "#SBATCH" is optional).
	Extra []string `json:"extra,omitempty"`
	// CancelOnInterrupt scancels the job when Train's context is
	// cancelled; by default the job keeps running and the next Train
	// re-attaches to it.
	CancelOnInterrupt bool `json:"cancel_on_interrupt,omitempty"`
	// Poll is how often the job's state is asked; default 1s.
	Poll time.Duration `json:"poll,omitempty"`
}

// Usage is what the jobs a Trainer saw finish used.
type Usage struct {
	Jobs     int     // jobs that ended (successfully or not)
	Seconds  float64 // their elapsed time, summed
	GPUHours float64 // elapsed hours times the GPUs each job requested
}

// Trainer submits the training command as a Slurm batch job. It is safe
// for concurrent use on different training-set folders.
type Trainer struct {
	cfg    Config
	cmd    *command.Trainer
	onLine func(command.Line)

	mu    sync.Mutex
	usage Usage
	seen  map[string]bool // job ids already counted in usage
}

var _ model.Trainer = (*Trainer)(nil)

// LineStream is the Stream of the job's log lines passed to onLine.
const LineStream = "slurm"

// New checks cfg. onLine receives the job's log lines as they are
// written (and Note lines about the job, Stream "slurm" as well); nil
// discards them.
func New(cfg Config, onLine func(command.Line)) (*Trainer, error) {
	cmd, err := command.New(cfg.Config, nil)
	if err != nil {
		return nil, fmt.Errorf("slurm: %w", err)
	}
	if cfg.GPUs < 0 || cfg.CPUs < 0 {
		return nil, fmt.Errorf("slurm: gpus and cpus must be >= 0, got %d and %d", cfg.GPUs, cfg.CPUs)
	}
	for key, v := range map[string]string{"partition": cfg.Partition, "mem": cfg.Mem, "time": cfg.Time} {
		if strings.ContainsAny(v, " \t\r\n") {
			return nil, fmt.Errorf("slurm: %s %q contains white space", key, v)
		}
	}
	for i, l := range cfg.Extra {
		if strings.ContainsAny(l, "\r\n") || strings.TrimSpace(extraOption(l)) == "" {
			return nil, fmt.Errorf("slurm: extra line %d %q: want one #SBATCH option on one line", i+1, l)
		}
	}
	if cfg.TailLines <= 0 {
		cfg.TailLines = 20
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if onLine == nil {
		onLine = func(command.Line) {}
	}
	return &Trainer{cfg: cfg, cmd: cmd, onLine: onLine, seen: map[string]bool{}}, nil
}

// Usage returns what the jobs seen to finish so far used.
func (t *Trainer) Usage() Usage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.usage
}

func extraOption(l string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "#SBATCH"))
}

// state is the train stage's record of its job, <set.Dir>/slurm/job.json.
type state struct {
	JobID     string      `json:"job_id"`
	Name      string      `json:"name"`
	Inputs    string      `json:"inputs"` // hash of what the job trains on and how
	Script    string      `json:"script"`
	Log       string      `json:"log"`
	GPUs      int         `json:"gpus"`
	Job       command.Job `json:"job"`
	Submitted time.Time   `json:"submitted"`
}

func stateDir(set model.TrainSet) string { return filepath.Join(set.Dir, "slurm") }
func statePath(dir string) string        { return filepath.Join(dir, "job.json") }

// Train runs (or re-attaches to) the round's job and returns the new
// model's Ref. Errors: a *JobError when the job fails, times out or is
// cancelled; the context's error when ctx ends first (the job is left
// running unless CancelOnInterrupt); errors of sbatch, the export and
// the templates.
func (t *Trainer) Train(ctx context.Context, from model.Ref, set model.TrainSet) (model.Ref, error) {
	if set.Dir == "" {
		return model.Ref{}, errors.New("slurm: the training set has no folder (TrainSet.Dir)")
	}
	dir := stateDir(set)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return model.Ref{}, fmt.Errorf("slurm: %w", err)
	}
	in, err := t.inputs(from, set)
	if err != nil {
		return model.Ref{}, err
	}
	name := jobstate.Name(set.Dir)
	st, err := readState(dir)
	if err != nil {
		return model.Ref{}, err
	}
	if st != nil && st.Inputs != in {
		// An earlier attempt with other inputs: its job must not race us.
		if err := t.retire(ctx, st.JobID); err != nil {
			return model.Ref{}, err
		}
		if err := os.Remove(statePath(dir)); err != nil {
			return model.Ref{}, fmt.Errorf("slurm: %w", err)
		}
		st = nil
	}
	if st == nil {
		if st, err = t.findByName(ctx, dir, name, in); err != nil {
			return model.Ref{}, err
		}
	}
	if st == nil {
		if st, err = t.submit(ctx, from, set, dir, name, in); err != nil {
			return model.Ref{}, err
		}
	} else {
		t.onLine(command.Line{Stream: LineStream, Text: fmt.Sprintf("re-attaching to Slurm job %s (%s)", st.JobID, st.Name)})
	}
	return t.wait(ctx, dir, st)
}

// inputs hashes what the job depends on, so that a changed set or
// config submits a new job instead of re-attaching.
func (t *Trainer) inputs(from model.Ref, set model.TrainSet) (string, error) {
	cfg := t.cfg // what only changes how cem waits does not make a new job
	cfg.Poll, cfg.CancelOnInterrupt, cfg.TailLines = 0, false, 0
	h := sha256.New()
	err := json.NewEncoder(h).Encode(struct {
		From     model.Ref
		Seed     int64
		Examples []model.Example
		Config   Config
	}{from, set.Seed, set.Examples, cfg})
	if err != nil {
		return "", fmt.Errorf("slurm: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// readState returns the recorded job, nil when there is none.
func readState(dir string) (*state, error) {
	st, err := jobstate.Read(statePath(dir), func(s *state) bool { return s.JobID != "" })
	if err != nil {
		return nil, fmt.Errorf("slurm: %w", err)
	}
	return st, nil
}

func writeState(dir string, st *state) error {
	if err := jobstate.Write(statePath(dir), st); err != nil {
		return fmt.Errorf("slurm: recording job %s: %w", st.JobID, err)
	}
	return nil
}

// submit prepares the command, writes the batch script and submits it,
// recording the job id as soon as sbatch prints it.
func (t *Trainer) submit(ctx context.Context, from model.Ref, set model.TrainSet, dir, name, in string) (*state, error) {
	job, err := t.cmd.Prepare(from, set)
	if err != nil {
		return nil, fmt.Errorf("slurm: %w", err)
	}
	script := filepath.Join(dir, "train.sbatch")
	body, err := t.script(job, name, in, filepath.Join(dir, "job-%j.log"), set.Dir)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(script, []byte(body), 0o755); err != nil {
		return nil, fmt.Errorf("slurm: %w", err)
	}
	// Not cancelled with ctx: once sbatch is started the job may exist,
	// and its id must be read and recorded.
	out, err := slurmCmd(context.WithoutCancel(ctx), "sbatch", "--parsable", script)
	if err != nil {
		return nil, err
	}
	id, _, _ := strings.Cut(strings.TrimSpace(lastLine(out)), ";")
	if !jobID.MatchString(id) {
		return nil, fmt.Errorf("slurm: sbatch printed %q; want a job id", out)
	}
	st := &state{JobID: id, Name: name, Inputs: in, Script: script, Log: filepath.Join(dir, "job-"+id+".log"),
		GPUs: t.cfg.GPUs, Job: job, Submitted: time.Now().UTC()}
	if err := writeState(dir, st); err != nil {
		return nil, err
	}
	t.onLine(command.Line{Stream: LineStream, Text: fmt.Sprintf("submitted Slurm job %s (%s)", id, name)})
	return st, nil
}

var jobID = regexp.MustCompile(`^\d+(_\d+)?$`)

// jobLine marks the line of the batch script that records the prepared
// job, so that a job found by name can be finished without its state file.
const jobLine = "# cem-job: "

// script writes the batch script.
func (t *Trainer) script(job command.Job, name, in, logPattern, setDir string) (string, error) {
	rec, err := json.Marshal(struct {
		Inputs string      `json:"inputs"`
		GPUs   int         `json:"gpus"`
		Job    command.Job `json:"job"`
	}{in, t.cfg.GPUs, job})
	if err != nil {
		return "", fmt.Errorf("slurm: %w", err)
	}
	wd := t.cfg.Dir
	if wd == "" {
		wd = setDir
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	opt := func(k, v string) { fmt.Fprintf(&b, "#SBATCH --%s=%s\n", k, v) }
	opt("job-name", name)
	opt("comment", "cem:"+in)
	opt("output", logPattern)
	opt("chdir", wd)
	if t.cfg.Partition != "" {
		opt("partition", t.cfg.Partition)
	}
	if t.cfg.GPUs > 0 {
		opt("gpus", fmt.Sprint(t.cfg.GPUs))
	}
	if t.cfg.CPUs > 0 {
		opt("cpus-per-task", fmt.Sprint(t.cfg.CPUs))
	}
	if t.cfg.Mem != "" {
		opt("mem", t.cfg.Mem)
	}
	if t.cfg.Time != "" {
		opt("time", t.cfg.Time)
	}
	for _, l := range t.cfg.Extra {
		fmt.Fprintf(&b, "#SBATCH %s\n", extraOption(l))
	}
	b.WriteString("# Written by cem (package model/slurm); the line below records the job.\n")
	b.WriteString(jobLine + string(rec) + "\n")
	for _, kv := range t.cfg.Env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return "", fmt.Errorf("slurm: env %q: want KEY=VALUE", kv)
		}
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(v))
	}
	b.WriteString("exec")
	for _, a := range job.Argv {
		b.WriteString(" " + shellQuote(a))
	}
	b.WriteString("\n")
	return b.String(), nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
