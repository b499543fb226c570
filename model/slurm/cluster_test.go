package slurm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cemlab/cem/internal/jobstate"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/command"
	"github.com/cemlab/cem/model/modeltest"
	"github.com/cemlab/cem/model/native"
)

// TestMain lets the test binary train in a child process for the
// kill-while-training test (see modeltest.TrainChild).
func TestMain(m *testing.M) {
	modeltest.TrainChild(childEnv, func(c Config) (model.Trainer, error) { return New(c, nil) })
	os.Exit(m.Run())
}

const childEnv = "CEM_SLURM_CHILD"

// needSlurm skips the test without a cluster (sbatch on PATH and
// SLURM_CONF set, as scripts/ci-slurm.sh leaves them), or fails it when
// CEM_REQUIRE_SLURM=1.
func needSlurm(t *testing.T) {
	t.Helper()
	err := Available()
	if err == nil {
		return
	}
	if os.Getenv("CEM_REQUIRE_SLURM") == "1" {
		t.Fatalf("no Slurm cluster: %v; CEM_REQUIRE_SLURM=1 requires one", err)
	}
	t.Skipf("no Slurm cluster: %v; start one with `source scripts/ci-slurm.sh` (root)", err)
}

// roundSet returns a training set in <tmp>/<run>/round-1/train.
func roundSet(t *testing.T, run string) model.TrainSet {
	set := modeltest.RoundSet(t, filepath.Join(run, "round-1", "train"), 9)
	set.Examples[0].Text = "N'Djamena is the capital of Chad. Chad is a country in Africa."
	return set
}

// collector gathers log lines.
type collector struct{ modeltest.Lines }

func (c *collector) add(l command.Line) { c.Add(l.Text) }

var (
	cemOnce sync.Once
	cemBin  string
	cemErr  error
	baseDir string
)

// tinyBase builds the cem binary and a tiny pretrained checkpoint, once
// per test binary.
func tinyBase(t *testing.T) (bin string, base model.Ref) {
	t.Helper()
	cemOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cem-slurm-test-")
		if err != nil {
			cemErr = err
			return
		}
		cemBin = filepath.Join(dir, "cem")
		if out, err := exec.Command("go", "build", "-o", cemBin, "../../cmd/cem").CombinedOutput(); err != nil {
			cemErr = fmt.Errorf("cannot build cmd/cem: %v\n%s", err, out)
			return
		}
		baseDir = filepath.Join(dir, "base")
		texts := []string{"N'Djamena is the capital of Chad. Chad is a country in Africa.",
			"Paris is the capital of France. France is a country in Europe."}
		_, cemErr = native.Pretrain(context.Background(), texts, nil, native.PretrainOptions{Size: "tiny", TokenizerBytes: 4096,
			Train: native.Options{Steps: 2, BatchTokens: 128, SeqLen: 64, Out: baseDir}})
	})
	if cemErr != nil {
		t.Fatal(cemErr)
	}
	return cemBin, model.Ref{Backend: native.Backend, Path: baseDir}
}

// trainCommand is cem's own trainer as the job's command; sleep seconds
// first (so that a test can act while the job runs).
func trainCommand(bin string, sleep int) string {
	return fmt.Sprintf(`sh -c 'sleep %d; exec "$@"' sh %s model train --from {{.From}} --data {{.Data}} --out {{.OutDir}} --steps 3 --batch-tokens 128 --seq-len 64 --log-every 1`, sleep, bin)
}

// TestSlurmTrainsWithCem runs `cem model train` as a Slurm job asking
// for one GPU and checks the model, the streamed log and the usage.
func TestSlurmTrainsWithCem(t *testing.T) {
	needSlurm(t)
	bin, base := tinyBase(t)
	set := roundSet(t, "run")
	var c collector
	tr, err := New(Config{Config: command.Config{Command: trainCommand(bin, 0)}, GPUs: 1, Poll: 200 * time.Millisecond}, c.add)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := tr.Train(t.Context(), base, set)
	if err != nil {
		t.Fatalf("Train: %v\nlog:\n%s", err, c.Text())
	}
	if want := filepath.Join(set.Dir, "model"); ref.Path != want || ref.Backend != native.Backend {
		t.Errorf("Train = %+v; want native at %s", ref, want)
	}
	if !strings.Contains(c.Text(), "submitted Slurm job") || !strings.Contains(c.Text(), "step 3/3") {
		t.Errorf("streamed lines lack the submission or the trainer's progress:\n%s", c.Text())
	}
	m, err := native.OpenRef(ref)
	if err != nil {
		t.Fatalf("opening the trained checkpoint: %v", err)
	}
	s, err := m.Score(t.Context(), []model.ScoreRequest{{Prompt: "Capital of Chad?", Continuation: "N'Djamena"}})
	if err != nil || s[0].Tokens == 0 {
		t.Errorf("Score = %+v, %v", s, err)
	}
	st, err := readState(stateDir(set))
	if err != nil || st == nil {
		t.Fatalf("state file: %+v, %v", st, err)
	}
	u := tr.Usage()
	if u.Jobs != 1 || math.Abs(u.GPUHours-u.Seconds/3600) > 1e-12 {
		t.Errorf("Usage = %+v; want 1 job with GPU hours = elapsed hours x 1 GPU", u)
	}
	// Train again on the same folder (the stage's artifact lost): the
	// finished job is re-attached, not submitted again.
	ref2, err := tr.Train(t.Context(), base, set)
	if err != nil || ref2 != ref {
		t.Errorf("second Train = %+v, %v; want %+v from the same job", ref2, err, ref)
	}
	if n := logCount(t, set); n != 1 {
		t.Errorf("%d job logs after re-attaching; want 1 job", n)
	}
}

func logCount(t *testing.T, set model.TrainSet) int {
	t.Helper()
	logs, err := filepath.Glob(filepath.Join(stateDir(set), "job-*.log"))
	if err != nil {
		t.Fatal(err)
	}
	return len(logs)
}

// TestSlurmJobFailures: a job whose command exits 1, one scancelled from
// outside each fail Train with the job's
// state and its last log lines, leaving no model folder.
func TestSlurmJobFailures(t *testing.T) {
	needSlurm(t)
	tests := []struct {
		name, command string
		cancel        bool
		state, want   string
	}{
		{name: "exit 1", command: `sh -c 'echo step one; echo "out of memory on device 0" >&2; mkdir -p "$1"; exit 1' sh {{.OutDir}}`,
			state: "FAILED", want: "out of memory on device 0"},
		{name: "scancel", command: `sh -c 'echo waiting for work; sleep 60'`, cancel: true, state: "CANCELLED", want: "waiting for work"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := roundSet(t, "failing")
			tr, err := New(Config{Config: command.Config{Command: tt.command}, Poll: 200 * time.Millisecond}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.cancel {
				go func() {
					id := waitJob(t, set, "waiting for work")
					_ = exec.Command("scancel", id).Run()
				}()
			}
			_, err = tr.Train(t.Context(), model.Ref{Backend: "native", Path: "/base"}, set)
			var je *JobError
			if !errors.As(err, &je) || je.State != tt.state || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Train = %v; want a JobError %s whose text holds %q", err, tt.state, tt.want)
			}
			if _, err := os.Stat(filepath.Join(set.Dir, "model")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a failed job produced a model folder")
			}
			// The failed job is not re-attached: the next attempt submits anew.
			if st, err := readState(stateDir(set)); st != nil || err != nil {
				t.Errorf("state after a failed job = %+v, %v; want none", st, err)
			}
		})
	}
}

// waitJob waits for the job of set to be recorded and its log to hold
// marker, and returns its id.
func waitJob(t *testing.T, set model.TrainSet, marker string) string {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if st, err := readState(stateDir(set)); err == nil && st != nil {
			if b, err := os.ReadFile(st.Log); err == nil && bytes.Contains(b, []byte(marker)) {
				return st.JobID
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("no job of %s logged %q within 60 s", set.Dir, marker)
	return ""
}

// TestSlurmInterrupt: cancelling Train leaves the job running by default
// (a later Train re-attaches and gets its model), and scancels it with
// CancelOnInterrupt.
func TestSlurmInterrupt(t *testing.T) {
	needSlurm(t)
	cmd := `sh -c 'echo started; sleep 2; mkdir -p "$1"; echo ok > "$1/weights"' sh {{.OutDir}}`
	for _, cancelJob := range []bool{false, true} {
		t.Run(fmt.Sprint("cancel_on_interrupt=", cancelJob), func(t *testing.T) {
			set := roundSet(t, "interrupt")
			tr, err := New(Config{Config: command.Config{Command: cmd}, Poll: 100 * time.Millisecond, CancelOnInterrupt: cancelJob}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			go func() { waitJob(t, set, "started"); cancel() }()
			_, err = tr.Train(ctx, model.Ref{Backend: "native", Path: "/base"}, set)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted Train = %v; want context.Canceled", err)
			}
			st, _ := readState(stateDir(set))
			if st == nil {
				t.Fatal("no state file after the interrupt")
			}
			ref, err := tr.Train(t.Context(), model.Ref{Backend: "native", Path: "/base"}, set)
			var je *JobError
			if cancelJob {
				if !errors.As(err, &je) || je.State != "CANCELLED" || je.JobID != st.JobID {
					t.Errorf("Train after scancel-on-interrupt = %+v, %v; want job %s CANCELLED", ref, err, st.JobID)
				}
				return
			}
			if err != nil || ref.Path != filepath.Join(set.Dir, "model") {
				t.Fatalf("re-attached Train = %+v, %v", ref, err)
			}
			if n := logCount(t, set); n != 1 {
				t.Errorf("%d jobs for one round; want 1", n)
			}
		})
	}
}

// TestSlurmKillWhileTraining starts Train in a child process, kills it
// with SIGKILL while its job runs `cem model train`, resumes in this
// process and checks that the round has one job id (the state file, the
// logs and Slurm agree) and that the model equals the one of an
// uninterrupted run.
func TestSlurmKillWhileTraining(t *testing.T) {
	needSlurm(t)
	bin, base := tinyBase(t)
	cfg := Config{Config: command.Config{Command: trainCommand(bin, 2)}, GPUs: 1, Poll: 200 * time.Millisecond}

	plain := roundSet(t, "plain")
	tr, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tr.Train(t.Context(), base, plain)
	if err != nil {
		t.Fatalf("uninterrupted Train: %v", err)
	}

	set := roundSet(t, "killed")
	var childOut bytes.Buffer
	child := modeltest.StartTrainChild(t, childEnv, modeltest.TrainJob[Config]{Config: cfg, From: base, Set: set}, &childOut)
	id := waitJob(t, set, "") // recorded: the job is pending or sleeping
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if id == "" {
		t.Fatalf("child output:\n%s", childOut.String())
	}
	if i, ok, err := query(t.Context(), id); err != nil || !ok || !i.active() {
		t.Fatalf("job %s after killing cem: %+v, %v, %v; want it still active", id, i, ok, err)
	}

	var c collector
	tr2, err := New(cfg, c.add)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tr2.Train(t.Context(), base, set)
	if err != nil {
		t.Fatalf("resumed Train: %v\n%s", err, c.Text())
	}
	if !strings.Contains(c.Text(), "re-attaching to Slurm job "+id) {
		t.Errorf("resumed Train did not re-attach to job %s:\n%s", id, c.Text())
	}
	st, err := readState(stateDir(set))
	if err != nil || st == nil || st.JobID != id {
		t.Errorf("state after resume = %+v, %v; want job %s", st, err, id)
	}
	if n := logCount(t, set); n != 1 {
		t.Errorf("%d job logs for the round; want 1", n)
	}
	out, err := slurmCmd(t.Context(), "squeue", "-h", "-t", "all", "--name="+jobstate.Name(set.Dir), "-o", "%i")
	if err != nil || strings.Fields(out)[0] != id || len(strings.Fields(out)) != 1 {
		t.Errorf("squeue --name=%s = %q, %v; want only job %s", jobstate.Name(set.Dir), out, err, id)
	}
	if a, b := dirHash(t, want.Path), dirHash(t, got.Path); a != b {
		t.Errorf("the resumed run's model differs from the uninterrupted run's (%s vs %s)", b, a)
	}
}

// dirHash hashes the names and contents of the files under dir.
func dirHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s %d\n", rel, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
