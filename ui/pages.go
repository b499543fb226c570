package ui

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/mistake"
	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/report"
	"github.com/cemlab/cem/rundir"
)

type runsView struct {
	Rows       []runRow
	Q, Sort    string
	CanCompare bool
}

// runsPage lists the runs, filtered by q (a substring of the name,
// folder or baseline) and sorted by sort.
func (s *Server) runsPage(r *http.Request) (string, any, error) {
	dirs, err := s.opts.Catalog.Dirs(r.Context())
	if err != nil {
		return "", nil, err
	}
	v := runsView{Q: r.FormValue("q"), Sort: r.FormValue("sort")}
	for _, d := range dirs {
		row := readRow(d, s.opts.Reviewer)
		q := strings.ToLower(v.Q)
		if q != "" && !strings.Contains(strings.ToLower(row.Name+" "+row.Dir+" "+row.Baseline), q) {
			continue
		}
		v.Rows = append(v.Rows, row)
	}
	sortRows(v.Rows, v.Sort)
	v.CanCompare = len(v.Rows) > 1
	return "runs.html", v, nil
}

type runView struct {
	Row     runRow
	S       *rundir.Summary
	Table   template.HTML
	Charts  []report.Chart
	Items   []itemLink
	Timings []rundir.Timing
}

type itemLink struct {
	Round      int
	Suite, ID  string
	Kind       string
	Priority   float64
	Prediction string
	Fixed      bool
}

// runPage shows one run: the report's per-round table and charts, and
// the items mined in each round.
func (s *Server) runPage(r *http.Request) (string, any, error) {
	dir, err := s.runDir(r)
	if err != nil {
		return "", nil, err
	}
	v := runView{Row: readRow(dir, s.opts.Reviewer)}
	sum, err := rundir.ReadSummary(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "run.html", v, nil // started, nothing measured yet
	}
	if err != nil {
		return "", nil, err
	}
	v.S = sum
	if len(sum.Rounds) > 0 {
		if v.Table, err = report.RoundsTable(sum); err != nil {
			return "", nil, err
		}
		v.Charts = report.Charts(sum)
	}
	// Every round folder's mistakes, the round in progress (awaiting its
	// review, say) included: a reviewer opens the items it mined.
	rounds, err := rundir.Rounds(dir)
	if err != nil {
		return "", nil, err
	}
	for _, r := range rounds {
		if r == 0 {
			continue
		}
		ms, err := rundir.ReadJSONL[mistake.Mistake](rundir.Artifact(dir, r, rundir.StageMistakes))
		if err != nil {
			continue
		}
		for _, x := range ms {
			v.Items = append(v.Items, itemLink{Round: r, Suite: x.Suite, ID: x.Item.ID, Kind: string(x.Kind), Priority: x.Priority, Prediction: x.Prediction})
		}
	}
	if v.Timings, err = rundir.ReadTimings(dir); err != nil {
		return "", nil, err
	}
	return "run.html", v, nil
}

type compareView struct {
	A, B runView
}

// comparePage shows two runs side by side.
func (s *Server) comparePage(r *http.Request) (string, any, error) {
	var views [2]runView
	for i, key := range []string{"a", "b"} {
		rr := r.Clone(r.Context())
		rr.SetPathValue("id", r.FormValue(key))
		_, data, err := s.runPage(rr)
		if err != nil {
			return "", nil, fmt.Errorf("compare %s=%q: %w", key, r.FormValue(key), err)
		}
		views[i] = data.(runView)
	}
	return "compare.html", compareView{views[0], views[1]}, nil
}

type itemRound struct {
	Round    int
	Answer   *rundir.Answer
	Mistake  *mistake.Mistake
	Queries  []mistake.Query
	Evidence []curate.Verdict
	Examples []model.Example
}

type itemView struct {
	Row       runRow
	Suite, ID string
	Question  string
	Choices   []string
	Answer    string
	Rounds    []itemRound
}

// itemPage shows one item through the run: per round its pick and
// confidence, the mistake, the queries, every candidate passage with its
// verdict and provenance, and the training examples made from the kept
// ones.
func (s *Server) itemPage(r *http.Request) (string, any, error) {
	dir, err := s.runDir(r)
	if err != nil {
		return "", nil, err
	}
	suite, id := r.FormValue("suite"), r.FormValue("id")
	v := itemView{Row: readRow(dir, s.opts.Reviewer), Suite: suite, ID: id}
	if _, err := rundir.ReadSummary(dir); err != nil {
		return "", nil, err
	}
	// Every round folder, the round in progress included (its answers
	// come with its re-exam; its mistake, queries and evidence before).
	rounds, err := rundir.Rounds(dir)
	if err != nil {
		return "", nil, err
	}
	found := false
	for _, r := range rounds {
		ir := itemRound{Round: r}
		if as, err := rundir.ReadAnswers(dir, r); err == nil {
			for i := range as {
				if as[i].Suite == suite && as[i].ID == id {
					ir.Answer = &as[i]
					found = true
				}
			}
		}
		if r > 0 {
			s.mined(dir, r, suite, id, &ir, &v)
			found = found || ir.Mistake != nil
		}
		v.Rounds = append(v.Rounds, ir)
	}
	if !found {
		return "", nil, httpError{http.StatusNotFound, fmt.Sprintf("ui: run %s has no item %s/%s", v.Row.Name, suite, id)}
	}
	return "item.html", v, nil
}

// mined fills ir with what round r did about item id: its mistake,
// queries, candidates and examples.
func (s *Server) mined(dir string, r int, suite, id string, ir *itemRound, v *itemView) {
	ms, _ := rundir.ReadJSONL[mistake.Mistake](rundir.Artifact(dir, r, rundir.StageMistakes))
	for i := range ms {
		if ms[i].Suite == suite && ms[i].Item.ID == id {
			ir.Mistake = &ms[i]
			v.Question, v.Choices = ms[i].Item.Question, ms[i].Item.Choices
			v.Answer = ms[i].Item.Answer.Text
			if a := ms[i].Item.Answer.Index; a >= 0 && a < len(ms[i].Item.Choices) && v.Answer == "" {
				v.Answer = ms[i].Item.Choices[a]
			}
		}
	}
	if ir.Mistake == nil {
		return
	}
	qs, _ := rundir.ReadJSONL[mistake.Query](rundir.Artifact(dir, r, rundir.StageQueries))
	for _, q := range qs {
		if q.MistakeID == id {
			ir.Queries = append(ir.Queries, q)
		}
	}
	vs, _ := rundir.ReadJSONL[curate.Verdict](rundir.Artifact(dir, r, rundir.StageCuration))
	kept := map[string]bool{}
	for _, c := range vs {
		if c.MistakeID == id {
			ir.Evidence = append(ir.Evidence, c)
			if c.Keep {
				kept[c.Passage.ID] = true
			}
		}
	}
	if len(kept) == 0 {
		return
	}
	if exs, _, err := rundir.ReadTrainset(dir, r); err == nil {
		for _, e := range exs {
			if kept[e.Origin] {
				ir.Examples = append(ir.Examples, e)
			}
		}
	}
}

type reviewView struct {
	Row     runRow
	Samples []Sample
	Enabled bool
	Problem string
}

// reviewPage lists the run's review samples with approve/reject forms.
func (s *Server) reviewPage(r *http.Request) (string, any, error) {
	dir, err := s.runDir(r)
	if err != nil {
		return "", nil, err
	}
	v := reviewView{Row: readRow(dir, s.opts.Reviewer), Enabled: s.opts.Reviewer != nil}
	if v.Enabled {
		if v.Samples, err = s.opts.Reviewer.Queue(dir); err != nil {
			v.Problem = err.Error()
		}
	}
	return "review.html", v, nil
}

// events streams Server-Sent Events to a run page: "change" each time
// the run's metrics.json changes, until the client goes away.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	dir, err := s.runDir(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "ui: streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	stamp := func() string {
		st, err := os.Stat(rundir.File(dir, rundir.MetricsFile))
		if err != nil {
			return ""
		}
		return fmt.Sprint(st.ModTime().UnixNano(), st.Size())
	}
	last := stamp()
	fmt.Fprint(w, "retry: 2000\n\n")
	fl.Flush()
	t := time.NewTicker(s.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
			if now := stamp(); now != last {
				last = now
				fmt.Fprintf(w, "event: change\ndata: %s\n\n", now)
				fl.Flush()
			}
		}
	}
}
