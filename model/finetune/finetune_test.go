package finetune

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/modeltest"
)

// TestMain lets the test binary train in a child process for the
// killed-cem test (see modeltest.TrainChild).
func TestMain(m *testing.M) {
	modeltest.TrainChild(childEnv, func(c Config) (model.Trainer, error) { return New(c, func(l string) { fmt.Println(l) }) })
	os.Exit(m.Run())
}

const childEnv = "CEM_FINETUNE_CHILD"

// roundSet returns a training set in <tmp>/<run>/round-2/train.
func roundSet(t *testing.T, run string) model.TrainSet {
	return modeltest.RoundSet(t, filepath.Join(run, "round-2", "train"), 7)
}

var base = model.Ref{Backend: "openai", Name: "gpt-4o-mini-2024-07-18"}

// fast is a config polling the loopback server without waiting long.
func fast(f *fakeAPI) Config {
	return Config{FineTuneConfig: config.FineTuneConfig{BaseURL: f.url(), NEpochs: 3, LearningRateMultiplier: 0.5, BatchSize: 4,
		Poll: time.Millisecond, PollMax: 5 * time.Millisecond}}
}

func newTrainer(t *testing.T, cfg Config, log *modeltest.Lines) *Trainer {
	t.Helper()
	var p func(string)
	if log != nil {
		p = log.Add
	}
	tr, err := New(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTrainSucceeds(t *testing.T) {
	f := newFakeAPI(t)
	set := roundSet(t, "my run")
	log := &modeltest.Lines{}
	tr := newTrainer(t, fast(f), log)
	ref, err := tr.Train(context.Background(), base, set)
	if err != nil {
		t.Fatal(err)
	}
	if f.creates != 1 {
		t.Fatalf("%d jobs created, want 1", f.creates)
	}
	j := f.jobs[f.order[0]]
	if want := (model.Ref{Backend: "openai", Name: j.name()}); ref != want {
		t.Errorf("ref = %+v, want %+v", ref, want)
	}
	if j.model != base.Name || j.seed != 7 || !strings.HasPrefix(j.suffix, "cem-my_run-r2-") {
		t.Errorf("job model %q seed %d suffix %q; want %s, 7, cem-my_run-r2-<hash>", j.model, j.seed, j.suffix, base.Name)
	}
	if fmt.Sprint(j.hp) != "map[batch_size:4 learning_rate_multiplier:0.5 n_epochs:3]" {
		t.Errorf("hyperparameters = %v", j.hp)
	}
	if n := strings.Count(string(f.files[j.file]), "\n"); n != len(set.Examples) {
		t.Errorf("uploaded file has %d lines, want %d", n, len(set.Examples))
	}
	if u := tr.Usage(); u.Jobs != 1 || u.TrainedTokens != 4321 || u.Seconds <= 0 {
		t.Errorf("usage = %+v; want 1 job, 4321 trained tokens, seconds > 0", u)
	}
	for _, want := range []string{"uploaded the training file", "created fine-tuning job " + j.id, "Fine-tuning job started",
		"training loss=0.42", "job " + j.id + ": succeeded", "4321 trained tokens"} {
		if !strings.Contains(log.Text(), want) {
			t.Errorf("progress lacks %q:\n%s", want, log.Text())
		}
	}
	st, err := os.ReadFile(StatePath(set.Dir))
	if err != nil || !strings.Contains(string(st), `"job_id": "`+j.id+`"`) {
		t.Errorf("record = %s, %v; want job %s", st, err, j.id)
	}

	// The same inputs again: the same job and model, no new job, counted once.
	again, err := tr.Train(context.Background(), base, set)
	if err != nil || again != ref || f.creates != 1 || tr.Usage().Jobs != 1 {
		t.Errorf("second Train = %+v, %v with %d jobs created, usage %+v; want %+v from the one job", again, err, f.creates, tr.Usage(), ref)
	}
}

func TestTrainEndsBadly(t *testing.T) {
	for _, tc := range []struct {
		name string
		plan plan
		want []string
	}{
		{"failed", plan{final: "failed", code: "invalid_training_file", param: "training_file",
			message: "The file has 2 example(s), but must have at least 10 examples"},
			[]string{"failed: The file has 2 example(s), but must have at least 10 examples", "code invalid_training_file", "param training_file"}},
		{"cancelled", plan{final: "cancelled"}, []string{"cancelled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.plan = tc.plan
			set := roundSet(t, "bad")
			tr := newTrainer(t, fast(f), nil)
			_, err := tr.Train(context.Background(), base, set)
			var je *JobError
			if !errors.As(err, &je) || je.Status != tc.plan.final {
				t.Fatalf("err = %v; want a *JobError of status %s", err, tc.plan.final)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, err := os.Stat(StatePath(set.Dir)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the record is still in place (%v); the next attempt would re-attach to the ended job", err)
			}
			if _, err := os.Stat(StatePath(set.Dir) + "." + je.JobID + ".failed"); err != nil {
				t.Errorf("the ended job's record was not kept: %v", err)
			}
			// The next attempt creates a new job, which succeeds.
			f.set(func(f *fakeAPI) { f.plan = plan{final: "succeeded", tokens: 10} })
			ref, err := tr.Train(context.Background(), base, set)
			if err != nil || f.creates != 2 || ref.Name != f.jobs["ftjob-2"].name() {
				t.Errorf("retry = %+v, %v after %d jobs; want ftjob-2's model", ref, err, f.creates)
			}
			if u := tr.Usage(); u.Jobs != 2 || u.TrainedTokens != 10 {
				t.Errorf("usage = %+v; want 2 jobs and the 10 tokens of the one that succeeded", u)
			}
		})
	}
}

func TestTransientErrorsAreRetried(t *testing.T) {
	f := newFakeAPI(t)
	f.fail = []int{503, 429, 500, 502}
	log := &modeltest.Lines{}
	tr := newTrainer(t, fast(f), log)
	ref, err := tr.Train(context.Background(), base, roundSet(t, "flaky"))
	if err != nil || ref.Name != f.jobs["ftjob-1"].name() || f.creates != 1 {
		t.Fatalf("Train = %+v, %v with %d jobs; want ftjob-1's model", ref, err, f.creates)
	}
	if f.failed != 4 || !strings.Contains(log.Text(), "HTTP 503") || !strings.Contains(log.Text(), "retrying") {
		t.Errorf("%d failures served; progress:\n%s", f.failed, log.Text())
	}

	// Too many in a row: Train gives up, naming the error, and leaves the record.
	f2 := newFakeAPI(t)
	f2.fail = []int{503, 503, 503, 503}
	cfg := fast(f2)
	cfg.MaxRetries = 2
	set := roundSet(t, "down")
	_, err = newTrainer(t, cfg, nil).Train(context.Background(), base, set)
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("err = %v; want HTTP 503 and gave up after 3 attempts", err)
	}
	if _, err := os.Stat(StatePath(set.Dir)); err != nil {
		t.Errorf("record of the running job lost: %v", err)
	}
}

// interruptOnCreate returns a context cancelled when the trainer reports
// the job created, and the progress function that does it.
func interruptOnCreate() (context.Context, func(string)) {
	ctx, cancel := context.WithCancelCause(context.Background())
	return ctx, func(l string) {
		if strings.HasPrefix(l, "created fine-tuning job") {
			cancel(errors.New("interrupted"))
		}
	}
}

func TestInterrupt(t *testing.T) {
	t.Run("left running", func(t *testing.T) {
		f := newFakeAPI(t)
		f.hold = true
		set := roundSet(t, "int")
		ctx, p := interruptOnCreate()
		tr, _ := New(fast(f), p)
		_, err := tr.Train(ctx, base, set)
		if err == nil || !strings.Contains(err.Error(), "left running") || f.cancels != 0 {
			t.Fatalf("err = %v, %d cancels; want left running, none", err, f.cancels)
		}
		f.set(func(f *fakeAPI) { f.hold = false })
		ref, err := newTrainer(t, fast(f), nil).Train(context.Background(), base, set)
		if err != nil || f.creates != 1 || ref.Name != f.jobs["ftjob-1"].name() {
			t.Errorf("resumed Train = %+v, %v with %d jobs; want ftjob-1's model", ref, err, f.creates)
		}
	})
	t.Run("cancel_on_interrupt", func(t *testing.T) {
		f := newFakeAPI(t)
		f.hold = true
		set := roundSet(t, "int")
		ctx, p := interruptOnCreate()
		cfg := fast(f)
		cfg.CancelOnInterrupt = true
		tr, _ := New(cfg, p)
		_, err := tr.Train(ctx, base, set)
		if err == nil || !strings.Contains(err.Error(), "cancelled") || f.cancels != 1 || f.jobs["ftjob-1"].status != "cancelled" {
			t.Fatalf("err = %v, %d cancels; want the job cancelled", err, f.cancels)
		}
		if _, err := os.Stat(StatePath(set.Dir)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("record of the cancelled job still in place: %v", err)
		}
	})
}

// TestFindsUnrecordedJob: a job created by an attempt that died before it
// recorded the id is found by its metadata, not created again.
func TestFindsUnrecordedJob(t *testing.T) {
	f := newFakeAPI(t)
	set := roundSet(t, "lost")
	ref, err := newTrainer(t, fast(f), nil).Train(context.Background(), base, set)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(StatePath(set.Dir)); err != nil {
		t.Fatal(err)
	}
	log := &modeltest.Lines{}
	again, err := newTrainer(t, fast(f), log).Train(context.Background(), base, set)
	if err != nil || again != ref || f.creates != 1 || len(f.files) != 1 {
		t.Errorf("Train = %+v, %v with %d jobs and %d files; want %+v from the one job", again, err, f.creates, len(f.files), ref)
	}
	if !strings.Contains(log.Text(), "created by an earlier attempt") {
		t.Errorf("progress:\n%s", log.Text())
	}
}

// TestChangedInputsCancelTheOldJob: other examples in the same folder make
// a new job; the old one, still running, is cancelled.
func TestChangedInputsCancelTheOldJob(t *testing.T) {
	f := newFakeAPI(t)
	f.hold = true
	set := roundSet(t, "changed")
	ctx, p := interruptOnCreate()
	tr, _ := New(fast(f), p)
	if _, err := tr.Train(ctx, base, set); err == nil {
		t.Fatal("interrupted Train succeeded")
	}
	f.set(func(f *fakeAPI) { f.hold = false })
	set.Examples = set.Examples[:1]
	ref, err := newTrainer(t, fast(f), nil).Train(context.Background(), base, set)
	if err != nil || f.creates != 2 || f.cancels != 1 || f.jobs["ftjob-1"].status != "cancelled" || ref.Name != f.jobs["ftjob-2"].name() {
		t.Errorf("Train = %+v, %v with %d jobs, %d cancels; want ftjob-2's model and ftjob-1 cancelled", ref, err, f.creates, f.cancels)
	}
}

// TestKilledCemReattaches runs the trainer in a child process, kills it
// (SIGKILL) once its job is created and recorded, and resumes: exactly one
// job is created and the result is that job's model.
func TestKilledCemReattaches(t *testing.T) {
	f := newFakeAPI(t)
	f.hold = true
	set := roundSet(t, "killed")
	cfg := fast(f)
	var out strings.Builder
	cmd := modeltest.StartTrainChild(t, childEnv, modeltest.TrainJob[Config]{Config: cfg, From: base, Set: set}, &out)
	recorded := func() bool {
		b, err := os.ReadFile(StatePath(set.Dir))
		return err == nil && strings.Contains(string(b), `"job_id"`)
	}
	for deadline := time.Now().Add(time.Minute); !recorded(); {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the child recorded no job within a minute:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatalf("the child ended by itself, though the job was held running:\n%s", out.String())
	}
	f.set(func(f *fakeAPI) { f.hold = false })
	tr := newTrainer(t, cfg, nil)
	ref, err := tr.Train(context.Background(), base, set)
	if err != nil {
		t.Fatal(err)
	}
	if f.creates != 1 || ref.Name != f.jobs["ftjob-1"].name() || tr.Usage().TrainedTokens != 4321 {
		t.Errorf("resumed: %+v with %d jobs created, usage %+v; want ftjob-1's model, 1 job, 4321 tokens", ref, f.creates, tr.Usage())
	}
}

func TestNewRejects(t *testing.T) {
	t.Setenv("CEM_TEST_EMPTY_KEY", "")
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"base url", Config{FineTuneConfig: config.FineTuneConfig{BaseURL: "localhost:8000"}}, "base_url"},
		{"negative epochs", Config{FineTuneConfig: config.FineTuneConfig{NEpochs: -1}}, "n_epochs"},
		{"suffix", Config{FineTuneConfig: config.FineTuneConfig{Suffix: "has space"}}, "suffix"},
		{"poll", Config{FineTuneConfig: config.FineTuneConfig{Poll: -time.Second}}, "poll"},
		{"unset key", Config{FineTuneConfig: config.FineTuneConfig{APIKeyEnv: "CEM_TEST_EMPTY_KEY"}}, "CEM_TEST_EMPTY_KEY"},
	} {
		if _, err := New(tc.cfg, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want one naming %s", tc.name, err, tc.want)
		}
	}
	tr, _ := New(Config{}, nil)
	if _, err := tr.Train(context.Background(), model.Ref{Backend: "openai"}, roundSet(t, "x")); err == nil || !strings.Contains(err.Error(), "base model") {
		t.Errorf("Train without a base model: err = %v", err)
	}
}
