// Package finetune is a model.Trainer that trains through a hosted
// fine-tuning API (OpenAI's, through the official Go SDK
// github.com/openai/openai-go/v3): the round's training set is exported in
// the OpenAI chat format (package trainset/export, format openai),
// uploaded with the Files API (purpose fine-tune), and a supervised
// fine-tuning job is created on the base model with the configured
// hyperparameters, a suffix naming the run and round, and the round's
// seed. The new model is the job's fine_tuned_model, returned as a
// model.Ref of backend openai.
//
// A job outlives cem. The uploaded file's id and then the job's id are
// recorded atomically in <set.Dir>/finetune/job.json (package
// internal/jobstate) the moment the API returns them; a later Train on
// the same folder with the same inputs re-attaches to that job, whatever
// its status, instead of creating a second one. The job also carries its
// inputs in its metadata, so a job created just before cem was killed,
// before its id could be recorded, is found again by listing jobs with
// that metadata. Train polls the job with backoff (from Poll, doubling
// while nothing changes, up to PollMax), reports the job's new events as
// progress lines, and retries transient failures (429, 5xx, dropped
// connections). A cancelled context leaves the job running unless
// CancelOnInterrupt is set, in which case the job is cancelled.
//
// A failed or cancelled job fails Train with a *JobError carrying the
// API's error code and message; its record is moved aside so the next
// attempt creates a new job. Usage reports the trained tokens
// (trained_tokens) and durations of the jobs seen to finish.
//
// It has been tested against a loopback server implementing the
// documented endpoints, never against the live service.
package finetune
