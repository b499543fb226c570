package slurm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cemlab/cem/internal/jobstate"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/command"
)

// JobError is a job that ended without success.
type JobError struct {
	JobID    string
	State    string   // FAILED, TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL, ...
	ExitCode string   // Slurm's code:signal
	Reason   string   // Slurm's reason, when it gives one
	Log      string   // the job's log file
	Tail     []string // its last lines
}

func (e *JobError) Error() string {
	msg := fmt.Sprintf("slurm: job %s ended %s (exit code %s", e.JobID, e.State, e.ExitCode)
	if e.Reason != "" && e.Reason != "None" {
		msg += ", reason " + e.Reason
	}
	msg += ")"
	if len(e.Tail) > 0 {
		msg += "; last lines of " + e.Log + ":\n  " + strings.Join(e.Tail, "\n  ")
	} else {
		msg += "; its log " + e.Log + " is empty"
	}
	return msg
}

// slurmCmd runs a Slurm client program and returns its standard output.
func slurmCmd(ctx context.Context, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(stdout.String())
		}
		return stdout.String(), &cmdError{cmd: name + " " + strings.Join(args, " "), msg: msg, err: err}
	}
	return stdout.String(), nil
}

type cmdError struct {
	cmd, msg string
	err      error
}

func (e *cmdError) Error() string { return fmt.Sprintf("slurm: %s: %v: %s", e.cmd, e.err, e.msg) }
func (e *cmdError) Unwrap() error { return e.err }

// info is what Slurm says about a job.
type info struct {
	State    string // JobState, first word
	ExitCode string // code:signal
	Reason   string
	Elapsed  time.Duration
	Command  string // the batch script (scontrol only)
	Comment  string
}

// active reports whether the job may still run.
func (i info) active() bool {
	switch i.State {
	case "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD",
		"REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD", "SPECIAL_EXIT":
		return true
	}
	return false
}

var field = regexp.MustCompile(`(?:^|\s)([A-Za-z][A-Za-z0-9/:_]*)=(\S*)`)

// parseFields splits `scontrol show job -o` output into its key=value pairs.
func parseFields(line string) map[string]string {
	out := map[string]string{}
	for _, m := range field.FindAllStringSubmatch(line, -1) {
		if _, dup := out[m[1]]; !dup {
			out[m[1]] = m[2]
		}
	}
	return out
}

// parseElapsed reads Slurm's [D-][HH:]MM:SS.
func parseElapsed(s string) (time.Duration, error) {
	days := 0
	if d, rest, ok := strings.Cut(s, "-"); ok {
		var err error
		if days, err = strconv.Atoi(d); err != nil {
			return 0, fmt.Errorf("elapsed %q: %w", s, err)
		}
		s = rest
	}
	secs := 0
	for _, p := range strings.Split(s, ":") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return 0, fmt.Errorf("elapsed %q: %w", s, err)
		}
		secs = secs*60 + n
	}
	return time.Duration(days*86400+secs) * time.Second, nil
}

// query asks scontrol about job id, then (once scontrol has forgotten
// it) the job completion log through `sacct -c`. ok is false when
// neither knows the job.
func query(ctx context.Context, id string) (info, bool, error) {
	out, err := slurmCmd(ctx, "scontrol", "show", "job", "-o", id)
	if err == nil && strings.Contains(out, "JobId=") {
		f := parseFields(out)
		i := info{State: f["JobState"], ExitCode: f["ExitCode"], Reason: f["Reason"], Command: f["Command"], Comment: f["Comment"]}
		if i.Elapsed, err = parseElapsed(f["RunTime"]); err != nil {
			return info{}, false, fmt.Errorf("slurm: scontrol show job %s: %w", id, err)
		}
		return i, true, nil
	}
	if ctx.Err() != nil {
		return info{}, false, ctx.Err()
	}
	var ce *cmdError
	if err != nil && !(errors.As(err, &ce) && strings.Contains(ce.msg, "Invalid job id")) {
		return info{}, false, err
	}
	out, err = slurmCmd(ctx, "sacct", "-c", "-j", id, "-P", "-n", "-o", "JobID,State,ExitCode,Elapsed")
	if err != nil {
		return info{}, false, err
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		p := strings.Split(line, "|")
		if len(p) != 4 || p[0] != id {
			continue
		}
		i := info{State: strings.Fields(p[1] + " ?")[0], ExitCode: p[2]}
		if i.Elapsed, err = parseElapsed(p[3]); err != nil {
			return info{}, false, fmt.Errorf("slurm: sacct -c -j %s: %w", id, err)
		}
		return i, true, nil
	}
	return info{}, false, nil
}

// retire cancels job id, when it is still active, and waits for it to end.
func (t *Trainer) retire(ctx context.Context, id string) error {
	for {
		i, ok, err := query(ctx, id)
		if err != nil {
			return err
		}
		if !ok || !i.active() {
			return nil
		}
		if _, err := slurmCmd(ctx, "scancel", id); err != nil {
			return err
		}
		t.onLine(command.Line{Stream: LineStream, Text: fmt.Sprintf("cancelled Slurm job %s of an earlier attempt with other inputs", id)})
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(t.cfg.Poll):
		}
	}
}

// findByName looks for a job of the round submitted without a state
// file written (cem stopped between sbatch and the record). A job with
// our inputs is adopted, its prepared command read back from its batch
// script; other jobs of the name are retired.
func (t *Trainer) findByName(ctx context.Context, dir, name, in string) (*state, error) {
	out, err := slurmCmd(ctx, "squeue", "-h", "-t", "all", "--name="+name, "-o", "%i|%k|%T")
	if err != nil {
		return nil, err
	}
	var found *state
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		p := strings.Split(line, "|")
		if len(p) != 3 || !jobID.MatchString(p[0]) {
			continue
		}
		if p[1] != "cem:"+in || found != nil {
			if err := t.retire(ctx, p[0]); err != nil {
				return nil, err
			}
			continue
		}
		st, err := adopt(ctx, p[0], name, in)
		if err != nil {
			return nil, err
		}
		if err := writeState(dir, st); err != nil {
			return nil, err
		}
		found = st
	}
	return found, nil
}

// adopt rebuilds the state of job id from its batch script.
func adopt(ctx context.Context, id, name, in string) (*state, error) {
	i, ok, err := query(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok || i.Command == "" {
		return nil, fmt.Errorf("slurm: job %s (%s) has no batch script on record", id, name)
	}
	b, err := os.ReadFile(i.Command)
	if err != nil {
		return nil, fmt.Errorf("slurm: job %s: %w", id, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, jobLine); ok {
			var rec struct {
				Inputs string      `json:"inputs"`
				GPUs   int         `json:"gpus"`
				Job    command.Job `json:"job"`
			}
			if err := json.Unmarshal([]byte(rest), &rec); err != nil || rec.Inputs != in {
				break
			}
			dir := stateDir(model.TrainSet{Dir: rec.Job.Fields.Dir})
			return &state{JobID: id, Name: name, Inputs: in, Script: i.Command, Log: filepath.Join(dir, "job-"+id+".log"),
				GPUs: rec.GPUs, Job: rec.Job, Submitted: time.Now().UTC()}, nil
		}
	}
	return nil, fmt.Errorf("slurm: job %s: %s does not record a cem job with these inputs", id, i.Command)
}

// wait polls job st until it ends, streaming its log.
func (t *Trainer) wait(ctx context.Context, dir string, st *state) (model.Ref, error) {
	log := &follower{path: st.Log, onLine: t.onLine}
	for {
		i, ok, err := query(ctx, st.JobID)
		if err != nil && ctx.Err() == nil {
			return model.Ref{}, err
		}
		log.poll()
		if err == nil && !ok {
			return model.Ref{}, fmt.Errorf("slurm: job %s (%s) is unknown to scontrol and sacct -c; remove %s to submit again",
				st.JobID, st.Name, statePath(dir))
		}
		if err == nil && !i.active() {
			log.flush()
			t.count(st, i.Elapsed)
			if i.State == "COMPLETED" && strings.HasPrefix(i.ExitCode, "0:") {
				ref, err := t.cmd.Finish(st.Job)
				if err != nil {
					return model.Ref{}, fmt.Errorf("slurm: job %s: %w", st.JobID, err)
				}
				return ref, nil
			}
			// Keep the record for the user, but let the next attempt submit again.
			_, _ = jobstate.Retire(statePath(dir), st.JobID)
			return model.Ref{}, &JobError{JobID: st.JobID, State: i.State, ExitCode: i.ExitCode, Reason: i.Reason,
				Log: st.Log, Tail: tailLines(st.Log, t.cfg.TailLines)}
		}
		select {
		case <-ctx.Done():
			return model.Ref{}, t.interrupted(ctx, st)
		case <-time.After(t.cfg.Poll):
		}
	}
}

// interrupted handles a cancelled Train: scancel when so configured.
func (t *Trainer) interrupted(ctx context.Context, st *state) error {
	cause := context.Cause(ctx)
	if !t.cfg.CancelOnInterrupt {
		return fmt.Errorf("slurm: job %s (%s) left running; the next run re-attaches to it: %w", st.JobID, st.Name, cause)
	}
	if _, err := slurmCmd(context.WithoutCancel(ctx), "scancel", st.JobID); err != nil {
		return fmt.Errorf("slurm: cancelling job %s: %v: %w", st.JobID, err, cause)
	}
	return fmt.Errorf("slurm: job %s cancelled: %w", st.JobID, cause)
}

// count adds a finished job to the usage, once per job.
func (t *Trainer) count(st *state, elapsed time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen[st.JobID] {
		return
	}
	t.seen[st.JobID] = true
	t.usage.Jobs++
	t.usage.Seconds += elapsed.Seconds()
	t.usage.GPUHours += elapsed.Hours() * float64(st.GPUs)
}

// follower streams the lines appended to a file.
type follower struct {
	path    string
	off     int64
	partial []byte
	onLine  func(command.Line)
}

// poll passes on the complete lines written since the last poll.
func (f *follower) poll() {
	fh, err := os.Open(f.path)
	if err != nil {
		return // not created yet (a pending job)
	}
	defer fh.Close()
	if _, err := fh.Seek(f.off, io.SeekStart); err != nil {
		return
	}
	b, err := io.ReadAll(fh)
	if err != nil {
		return
	}
	f.off += int64(len(b))
	b = append(f.partial, b...)
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		f.onLine(command.Line{Stream: LineStream, Text: strings.TrimRight(string(b[:i]), "\r")})
		b = b[i+1:]
	}
	f.partial = append([]byte(nil), b...)
}

// flush passes on a last line without a newline.
func (f *follower) flush() {
	f.poll()
	if len(f.partial) > 0 {
		f.onLine(command.Line{Stream: LineStream, Text: string(f.partial)})
		f.partial = nil
	}
}

// tailLines returns the last n lines of a file (none when it is missing).
func tailLines(path string, n int) []string {
	fh, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	var lines []string
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines
}

// Available reports why this machine cannot reach a Slurm cluster (no
// sbatch on PATH, SLURM_CONF unset), nil when it seems to; the reason
// scripts/ci-slurm.sh gave (CEM_SLURM_UNAVAILABLE) is added. Tests use it
// to skip.
func Available() error {
	why := ""
	if _, err := exec.LookPath("sbatch"); err != nil {
		why = "sbatch is not on PATH"
	} else if os.Getenv("SLURM_CONF") == "" {
		why = "SLURM_CONF is not set"
	}
	if why == "" {
		return nil
	}
	if r := os.Getenv("CEM_SLURM_UNAVAILABLE"); r != "" {
		why += " (scripts/ci-slurm.sh: " + r + ")"
	}
	return errors.New(why)
}
