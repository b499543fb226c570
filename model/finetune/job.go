package finetune

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/pagination"

	"github.com/cemlab/cem/internal/jobstate"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/model/openai"
	"github.com/cemlab/cem/trainset/export"
)

// ended reports whether a job's status is final.
func ended(s sdk.FineTuningJobStatus) bool {
	return s == sdk.FineTuningJobStatusSucceeded || s == sdk.FineTuningJobStatusFailed || s == sdk.FineTuningJobStatusCancelled
}

// apiError describes a failed request without the SDK's dump of it.
func apiError(what string, err error) error {
	var e *sdk.Error
	if errors.As(err, &e) {
		msg := fmt.Sprintf("finetune: %s: HTTP %d", what, e.StatusCode)
		if e.Message != "" {
			msg += ": " + e.Message
		}
		return errors.New(msg)
	}
	return fmt.Errorf("finetune: %s: %w", what, err)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-tm.C:
		return nil
	}
}

// retry sends a request until it succeeds, fails for good, or has failed
// transiently MaxRetries times in a row; the waits double from Poll up to
// PollMax, or follow the server's Retry-After when longer.
func retry[T any](ctx context.Context, t *Trainer, what string, send func(context.Context) (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		v, err := send(ctx)
		if err == nil {
			return v, nil
		}
		var zero T
		if ctx.Err() != nil {
			return zero, fmt.Errorf("finetune: %s: %w", what, context.Cause(ctx))
		}
		again, wait := openai.Retryable(err)
		if !again || attempt >= t.cfg.MaxRetries {
			if again {
				return zero, fmt.Errorf("%w (gave up after %d attempts)", apiError(what, err), attempt+1)
			}
			return zero, apiError(what, err)
		}
		d := min(t.cfg.Poll<<min(attempt, 20), t.cfg.PollMax)
		if wait > d {
			d = min(wait, t.cfg.PollMax)
		}
		t.progress(fmt.Sprintf("%v; retrying in %v", apiError(what, err), d))
		if err := sleep(ctx, d); err != nil {
			return zero, fmt.Errorf("finetune: %s: %w", what, err)
		}
	}
}

// start finds the job of st's inputs created without its id recorded,
// or uploads the training file (unless recorded already) and creates the
// job, recording each id as soon as the API returns it.
func (t *Trainer) start(ctx context.Context, path string, st *state, set model.TrainSet) error {
	job, err := t.find(ctx, st)
	if err != nil {
		return err
	}
	if job == nil && st.FileID == "" {
		if st.FileID, err = t.upload(ctx, st, set); err != nil {
			return err
		}
		if err := t.record(path, st); err != nil {
			return err
		}
		t.progress(fmt.Sprintf("uploaded the training file as %s", st.FileID))
	}
	if job == nil {
		if job, err = t.create(ctx, st, set.Seed); err != nil {
			return err
		}
		t.progress(fmt.Sprintf("created fine-tuning job %s on %s (suffix %s)", job.ID, st.BaseModel, st.Suffix))
	} else {
		t.progress(fmt.Sprintf("found fine-tuning job %s (%s) created by an earlier attempt", job.ID, st.Name))
	}
	st.JobID = job.ID
	return t.record(path, st)
}

// find lists the jobs carrying st's inputs in their metadata and returns
// one that may still succeed or has, nil when there is none.
func (t *Trainer) find(ctx context.Context, st *state) (*sdk.FineTuningJob, error) {
	page, err := retry(ctx, t, "listing fine-tuning jobs", func(ctx context.Context) (*pagination.CursorPage[sdk.FineTuningJob], error) {
		return t.client.FineTuning.Jobs.List(ctx, sdk.FineTuningJobListParams{
			Metadata: map[string]string{metaInputs: st.Inputs}, Limit: sdk.Int(100)})
	})
	if err != nil {
		return nil, err
	}
	for i, j := range page.Data {
		if j.Metadata[metaInputs] == st.Inputs && j.Metadata[metaName] == st.Name &&
			j.Status != sdk.FineTuningJobStatusFailed && j.Status != sdk.FineTuningJobStatusCancelled {
			return &page.Data[i], nil
		}
	}
	return nil, nil
}

// upload exports the set in the OpenAI format and uploads its train.jsonl.
func (t *Trainer) upload(ctx context.Context, st *state, set model.TrainSet) (string, error) {
	res, err := export.Write(filepath.Join(set.Dir, "export-openai"), export.OpenAI, set.Examples, export.Options{
		BaseModel: st.BaseModel, Round: jobstate.Round(set.Dir), Seed: set.Seed, Epochs: float64(t.cfg.NEpochs)})
	if err != nil {
		return "", fmt.Errorf("finetune: %w", err)
	}
	data := filepath.Join(res.Dir, "train.jsonl")
	f, err := retry(ctx, t, "uploading "+data, func(ctx context.Context) (*sdk.FileObject, error) {
		fh, err := os.Open(data)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		return t.client.Files.New(ctx, sdk.FileNewParams{File: sdk.File(fh, "train.jsonl", "application/jsonl"),
			Purpose: sdk.FilePurposeFineTune})
	})
	if err != nil {
		return "", err
	}
	if f.ID == "" {
		return "", fmt.Errorf("finetune: uploading %s: the answer has no file id", data)
	}
	return f.ID, nil
}

// create creates the job. It is not cancelled with ctx: once a request
// is sent the job may exist, and its id must be read and recorded. After
// a transient failure it looks for the job before creating it again.
func (t *Trainer) create(ctx context.Context, st *state, seed int64) (*sdk.FineTuningJob, error) {
	hp := sdk.SupervisedHyperparameters{}
	if t.cfg.NEpochs > 0 {
		hp.NEpochs.OfInt = sdk.Int(int64(t.cfg.NEpochs))
	}
	if t.cfg.BatchSize > 0 {
		hp.BatchSize.OfInt = sdk.Int(int64(t.cfg.BatchSize))
	}
	if t.cfg.LearningRateMultiplier > 0 {
		hp.LearningRateMultiplier.OfFloat = sdk.Float(t.cfg.LearningRateMultiplier)
	}
	params := sdk.FineTuningJobNewParams{
		Model:        sdk.FineTuningJobNewParamsModel(st.BaseModel),
		TrainingFile: st.FileID,
		Suffix:       sdk.String(st.Suffix),
		Seed:         sdk.Int(seed),
		Metadata:     map[string]string{metaName: st.Name, metaInputs: st.Inputs},
		Method: sdk.FineTuningJobNewParamsMethod{Type: "supervised",
			Supervised: sdk.SupervisedMethodParam{Hyperparameters: hp}},
	}
	wctx := context.WithoutCancel(ctx)
	first := true
	return retry(wctx, t, "creating the fine-tuning job", func(ctx context.Context) (*sdk.FineTuningJob, error) {
		if !first { // the failed attempt may have created it
			if j, err := t.find(ctx, st); err != nil || j != nil {
				return j, err
			}
		}
		first = false
		j, err := t.client.FineTuning.Jobs.New(ctx, params)
		if err == nil && j.ID == "" {
			err = errors.New("the answer has no job id")
		}
		return j, err
	})
}

// wait polls the job until it ends, reporting its status changes and
// events.
func (t *Trainer) wait(ctx context.Context, path string, st *state) (model.Ref, error) {
	interval := t.cfg.Poll
	var last sdk.FineTuningJobStatus
	seen := map[string]bool{}
	for {
		job, err := retry(ctx, t, "fine-tuning job "+st.JobID, func(ctx context.Context) (*sdk.FineTuningJob, error) {
			return t.client.FineTuning.Jobs.Get(ctx, st.JobID)
		})
		if err != nil {
			if ctx.Err() != nil {
				return model.Ref{}, t.interrupted(ctx, path, st)
			}
			return model.Ref{}, fmt.Errorf("%w; remove %s to start a new job", err, path)
		}
		changed := t.events(ctx, st.JobID, seen)
		if job.Status != last {
			t.progress(fmt.Sprintf("job %s: %s", job.ID, job.Status))
			last, changed = job.Status, true
		}
		switch job.Status {
		case sdk.FineTuningJobStatusSucceeded:
			t.count(job)
			if job.FineTunedModel == "" {
				return model.Ref{}, fmt.Errorf("finetune: job %s succeeded but names no fine_tuned_model", job.ID)
			}
			t.progress(fmt.Sprintf("job %s: fine-tuned model %s, %d trained tokens", job.ID, job.FineTunedModel, job.TrainedTokens))
			return model.Ref{Backend: "openai", Name: job.FineTunedModel}, nil
		case sdk.FineTuningJobStatusFailed, sdk.FineTuningJobStatusCancelled:
			t.count(job)
			_, _ = jobstate.Retire(path, st.JobID) // keep the record, but let the next attempt start again
			return model.Ref{}, &JobError{JobID: job.ID, Status: string(job.Status), Code: job.Error.Code,
				Message: job.Error.Message, Param: job.Error.Param}
		}
		if changed {
			interval = t.cfg.Poll
		} else {
			interval = min(2*interval, t.cfg.PollMax)
		}
		if sleep(ctx, interval) != nil {
			return model.Ref{}, t.interrupted(ctx, path, st)
		}
	}
}

// events reports the job's events not reported yet, oldest first, and
// whether there were any. Failing to list them only loses progress lines.
func (t *Trainer) events(ctx context.Context, id string, seen map[string]bool) bool {
	page, err := retry(ctx, t, "events of job "+id, func(ctx context.Context) (*pagination.CursorPage[sdk.FineTuningJobEvent], error) {
		return t.client.FineTuning.Jobs.ListEvents(ctx, id, sdk.FineTuningJobListEventsParams{Limit: sdk.Int(100)})
	})
	if err != nil {
		if ctx.Err() == nil {
			t.progress(err.Error())
		}
		return false
	}
	evs := slices.Clone(page.Data)
	slices.SortStableFunc(evs, func(a, b sdk.FineTuningJobEvent) int { return int(a.CreatedAt - b.CreatedAt) })
	news := false
	for _, e := range evs {
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		news = true
		t.progress(fmt.Sprintf("job %s: [%s] %s", id, e.Level, e.Message))
	}
	return news
}

// interrupted handles a cancelled Train: cancel the job when so configured.
func (t *Trainer) interrupted(ctx context.Context, path string, st *state) error {
	cause := context.Cause(ctx)
	if !t.cfg.CancelOnInterrupt {
		return fmt.Errorf("finetune: job %s (%s) left running; the next run re-attaches to it: %w", st.JobID, st.Name, cause)
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if _, err := retry(wctx, t, "cancelling job "+st.JobID, func(ctx context.Context) (*sdk.FineTuningJob, error) {
		return t.client.FineTuning.Jobs.Cancel(ctx, st.JobID)
	}); err != nil {
		return fmt.Errorf("%v: %w", err, cause)
	}
	_, _ = jobstate.Retire(path, st.JobID)
	return fmt.Errorf("finetune: job %s cancelled: %w", st.JobID, cause)
}

// retire cancels job id of an earlier attempt with other inputs, when it
// may still run.
func (t *Trainer) retire(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	job, err := retry(ctx, t, "fine-tuning job "+id, func(ctx context.Context) (*sdk.FineTuningJob, error) {
		return t.client.FineTuning.Jobs.Get(ctx, id)
	})
	if err != nil || ended(job.Status) {
		return err
	}
	if _, err := retry(ctx, t, "cancelling job "+id, func(ctx context.Context) (*sdk.FineTuningJob, error) {
		return t.client.FineTuning.Jobs.Cancel(ctx, id)
	}); err != nil {
		return err
	}
	t.progress(fmt.Sprintf("cancelled fine-tuning job %s of an earlier attempt with other inputs", id))
	return nil
}

// count adds an ended job to the usage, once per job.
func (t *Trainer) count(job *sdk.FineTuningJob) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen[job.ID] {
		return
	}
	t.seen[job.ID] = true
	t.usage.Jobs++
	t.usage.TrainedTokens += job.TrainedTokens
	if job.FinishedAt > job.CreatedAt && job.CreatedAt > 0 {
		t.usage.Seconds += float64(job.FinishedAt - job.CreatedAt)
	}
}
