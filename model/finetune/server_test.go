package finetune

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	sdk "github.com/openai/openai-go/v3"
)

// fakeAPI is a loopback fine-tuning API: the documented endpoints and
// job statuses of /v1/files and /v1/fine_tuning/jobs, with the JSON
// shapes of the API reference. Each GET of a job moves it one status on
// (validating_files, queued, running, then the plan's final status),
// unless hold keeps it running.
type fakeAPI struct {
	srv *httptest.Server

	mu      sync.Mutex
	files   map[string][]byte
	jobs    map[string]*fakeJob
	order   []string // job ids in creation order
	creates int      // POST /v1/fine_tuning/jobs answered with a job
	cancels int      // POST .../cancel
	plan    plan     // how new jobs end
	fail    []int    // status codes the next GETs of a job answer with
	failed  int      // GETs answered from fail
	hold    bool     // running jobs stay running
	clock   int64
}

type plan struct {
	final         string // succeeded (default), failed or cancelled
	code, message string // the error object of a failed job
	param         string
	tokens        int64
}

type fakeJob struct {
	id, model, file, suffix string
	seed                    int64
	meta                    map[string]string
	hp                      map[string]any
	status                  string
	created, finished       int64
	events                  []map[string]any
	plan                    plan
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{files: map[string][]byte{}, jobs: map[string]*fakeJob{}, clock: 1_700_000_000,
		plan: plan{final: "succeeded", tokens: 4321}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/files", f.upload)
	mux.HandleFunc("POST /v1/fine_tuning/jobs", f.create)
	mux.HandleFunc("GET /v1/fine_tuning/jobs", f.list)
	mux.HandleFunc("GET /v1/fine_tuning/jobs/{id}", f.get)
	mux.HandleFunc("GET /v1/fine_tuning/jobs/{id}/events", f.listEvents)
	mux.HandleFunc("POST /v1/fine_tuning/jobs/{id}/cancel", f.cancel)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) url() string { return f.srv.URL + "/v1" }

func (f *fakeAPI) set(fn func(f *fakeAPI)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// apiErr answers the API's error object.
func apiErr(w http.ResponseWriter, code int, param, msg string) {
	var p any
	if param != "" {
		p = param
	}
	writeJSON(w, code, map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error", "param": p, "code": nil}})
}

func (f *fakeAPI) upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		apiErr(w, 400, "file", err.Error())
		return
	}
	if p := r.FormValue("purpose"); p != "fine-tune" {
		apiErr(w, 400, "purpose", fmt.Sprintf("purpose %q: this server only takes fine-tune", p))
		return
	}
	fh, hdr, err := r.FormFile("file")
	if err != nil {
		apiErr(w, 400, "file", err.Error())
		return
	}
	defer fh.Close()
	body, _ := io.ReadAll(fh)
	sc := bufio.NewScanner(bytes.NewReader(body))
	for n := 1; sc.Scan(); n++ {
		var rec struct {
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || len(rec.Messages) < 2 {
			apiErr(w, 400, "file", fmt.Sprintf("line %d: want a JSON object with messages", n))
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("file-%d", len(f.files)+1)
	f.files[id] = body
	f.clock++
	writeJSON(w, 200, map[string]any{"id": id, "object": "file", "bytes": len(body), "created_at": f.clock,
		"filename": hdr.Filename, "purpose": "fine-tune", "status": "processed"})
}

func (f *fakeAPI) create(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model        string            `json:"model"`
		TrainingFile string            `json:"training_file"`
		Suffix       string            `json:"suffix"`
		Seed         int64             `json:"seed"`
		Metadata     map[string]string `json:"metadata"`
		Method       struct {
			Type       string `json:"type"`
			Supervised struct {
				Hyperparameters map[string]any `json:"hyperparameters"`
			} `json:"supervised"`
		} `json:"method"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiErr(w, 400, "", err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case req.Model == "":
		apiErr(w, 400, "model", "model is required")
		return
	case f.files[req.TrainingFile] == nil:
		apiErr(w, 400, "training_file", fmt.Sprintf("invalid training_file: %s", req.TrainingFile))
		return
	case len(req.Suffix) > 64:
		apiErr(w, 400, "suffix", "suffix is longer than 64 characters")
		return
	case req.Method.Type != "supervised":
		apiErr(w, 400, "method", "this server only runs supervised jobs")
		return
	}
	f.clock++
	j := &fakeJob{id: fmt.Sprintf("ftjob-%d", len(f.order)+1), model: req.Model, file: req.TrainingFile,
		suffix: req.Suffix, seed: req.Seed, meta: req.Metadata, hp: req.Method.Supervised.Hyperparameters,
		status: "validating_files", created: f.clock, plan: f.plan}
	f.event(j, "info", "message", "Validating training file: "+req.TrainingFile)
	f.jobs[j.id] = j
	f.order = append(f.order, j.id)
	f.creates++
	writeJSON(w, 200, f.object(j))
}

// event appends an event to j.
func (f *fakeAPI) event(j *fakeJob, level, typ, msg string) {
	f.clock++
	j.events = append(j.events, map[string]any{"object": "fine_tuning.job.event", "id": fmt.Sprintf("ftevent-%s-%d", j.id, len(j.events)+1),
		"created_at": f.clock, "level": level, "message": msg, "data": map[string]any{}, "type": typ})
}

// name is the fine-tuned model's name the API gives a job.
func (j *fakeJob) name() string { return fmt.Sprintf("ft:%s:org-test:%s:%s", j.model, j.suffix, j.id) }

// object is the job's fine_tuning.job object.
func (f *fakeAPI) object(j *fakeJob) map[string]any {
	hp := map[string]any{"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"}
	for k, v := range j.hp {
		hp[k] = v
	}
	o := map[string]any{"object": "fine_tuning.job", "id": j.id, "model": j.model, "created_at": j.created,
		"finished_at": nil, "fine_tuned_model": nil, "organization_id": "org-test", "result_files": []string{},
		"status": j.status, "validation_file": nil, "training_file": j.file, "hyperparameters": hp,
		"trained_tokens": nil, "error": nil, "seed": j.seed, "estimated_finish": nil, "integrations": nil,
		"metadata": j.meta, "method": map[string]any{"type": "supervised", "supervised": map[string]any{"hyperparameters": hp}}}
	if ended(toStatus(j.status)) {
		o["finished_at"] = j.finished
	}
	switch j.status {
	case "succeeded":
		o["fine_tuned_model"], o["trained_tokens"] = j.name(), j.plan.tokens
	case "failed":
		var p any
		if j.plan.param != "" {
			p = j.plan.param
		}
		o["error"] = map[string]any{"code": j.plan.code, "message": j.plan.message, "param": p}
	}
	return o
}

// step moves j one status on.
func (f *fakeAPI) step(j *fakeJob) {
	switch j.status {
	case "validating_files":
		j.status = "queued"
		f.event(j, "info", "message", "Files validated, moving job to queued state")
	case "queued":
		j.status = "running"
		f.event(j, "info", "message", "Fine-tuning job started")
	case "running":
		if f.hold {
			return
		}
		f.event(j, "info", "metrics", "Step 1/1: training loss=0.42")
		j.status = j.plan.final
		j.finished = f.clock + 60
		switch j.status {
		case "succeeded":
			f.event(j, "info", "message", "The job has successfully completed")
		case "failed":
			f.event(j, "error", "message", "The job failed: "+j.plan.message)
		case "cancelled":
			f.event(j, "info", "message", "The job was cancelled")
		}
	}
}

func (f *fakeAPI) job(w http.ResponseWriter, r *http.Request) *fakeJob {
	j := f.jobs[r.PathValue("id")]
	if j == nil {
		apiErr(w, 404, "fine_tuning_job_id", "No such fine-tuning job: "+r.PathValue("id"))
	}
	return j
}

func (f *fakeAPI) get(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.fail) > 0 {
		code := f.fail[0]
		f.fail = f.fail[1:]
		f.failed++
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		apiErr(w, code, "", http.StatusText(code))
		return
	}
	if j := f.job(w, r); j != nil {
		f.step(j)
		writeJSON(w, 200, f.object(j))
	}
}

func (f *fakeAPI) listEvents(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j := f.job(w, r)
	if j == nil {
		return
	}
	data := []map[string]any{} // newest first, as the API lists them
	for i := len(j.events) - 1; i >= 0; i-- {
		data = append(data, j.events[i])
	}
	writeJSON(w, 200, map[string]any{"object": "list", "data": data, "has_more": false})
}

func (f *fakeAPI) list(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data := []map[string]any{}
	for i := len(f.order) - 1; i >= 0; i-- {
		j := f.jobs[f.order[i]]
		keep := true
		for k, v := range r.URL.Query() { // metadata[key]=value filters
			if key, ok := strings.CutPrefix(k, "metadata["); ok && j.meta[strings.TrimSuffix(key, "]")] != v[0] {
				keep = false
			}
		}
		if keep {
			data = append(data, f.object(j))
		}
	}
	writeJSON(w, 200, map[string]any{"object": "list", "data": data, "has_more": false})
}

func (f *fakeAPI) cancel(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j := f.job(w, r)
	if j == nil {
		return
	}
	if ended(toStatus(j.status)) {
		apiErr(w, 400, "", "Job has already completed: "+j.id)
		return
	}
	f.cancels++
	j.status, j.finished = "cancelled", f.clock+1
	f.event(j, "info", "message", "The job was cancelled")
	writeJSON(w, 200, f.object(j))
}

func toStatus(s string) sdk.FineTuningJobStatus { return sdk.FineTuningJobStatus(s) }
