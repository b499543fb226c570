package review

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/internal/jsonl"
	"github.com/cemlab/cem/internal/runlock"
	"github.com/cemlab/cem/rundir"
)

// Verdicts of a Decision.
const (
	Approve = "approve"
	Reject  = "reject"
)

// Filters named in the verdicts Apply rejects.
const (
	FilterPassage = "review"        // the reviewer rejected the passage
	FilterSource  = "review-source" // the source's sample was rejected above the limit
)

// Item is one sampled passage awaiting, or having had, a person's look:
// the passage with its provenance and what it was retrieved for.
type Item struct {
	Round     int    `json:"round"`
	PassageID string `json:"passage_id"`
	Source    string `json:"source"`
	// ItemID is the mined exam item the passage was retrieved for (the
	// first, when it was kept for several); Query found it; Answer is the
	// claim it should support.
	ItemID  string `json:"item_id"`
	Query   string `json:"query,omitempty"`
	Answer  string `json:"answer,omitempty"`
	Title   string `json:"title,omitempty"`
	Text    string `json:"text"`
	URL     string `json:"url,omitempty"`
	License string `json:"license,omitempty"`
}

// Decision is a person's verdict on one sampled passage.
type Decision struct {
	Round     int       `json:"round"`
	PassageID string    `json:"passage_id"`
	Verdict   string    `json:"verdict"` // Approve or Reject
	Who       string    `json:"who"`
	At        time.Time `json:"at"`
	Note      string    `json:"note,omitempty"`
}

// Entry is a sampled item with its latest decision (nil: pending).
type Entry struct {
	Item
	Decision *Decision `json:"decision,omitempty"`
}

// Sample draws round r's review sample from curation's verdicts: per
// source, cfg.SampleSize of its distinct kept passages, chosen with a
// generator seeded by seed and r. Items are ordered by source, then
// passage id. A nil cfg samples nothing.
func Sample(verdicts []curate.Verdict, cfg *config.ReviewConfig, seed int64, r int) []Item {
	if cfg == nil {
		return nil
	}
	bySource := map[string][]Item{}
	seen := map[string]bool{}
	for _, v := range verdicts {
		if !v.Keep || seen[v.Passage.ID] {
			continue
		}
		seen[v.Passage.ID] = true
		p := v.Passage
		bySource[p.Source] = append(bySource[p.Source], Item{Round: r, PassageID: p.ID, Source: p.Source,
			ItemID: v.Claim.ItemID, Query: v.Query, Answer: v.Claim.Answer, Title: p.Title, Text: p.Text,
			URL: p.URL, License: p.License})
	}
	sources := make([]string, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	slices.Sort(sources)
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(r)))
	var out []Item
	for _, s := range sources {
		items := bySource[s]
		slices.SortFunc(items, func(a, b Item) int { return cmp.Compare(a.PassageID, b.PassageID) })
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		pick := items[:cfg.SampleSize(s, len(items))]
		slices.SortFunc(pick, func(a, b Item) int { return cmp.Compare(a.PassageID, b.PassageID) })
		out = append(out, pick...)
	}
	return out
}

// WriteSample writes round r's sample into run dir atomically (the loop
// does, while it holds the run folder's lock).
func WriteSample(dir string, r int, items []Item) error {
	data, err := jsonl.Marshal(items)
	if err != nil {
		return fmt.Errorf("review sample of round %d: %w", r, err)
	}
	return rundir.WriteFile(rundir.ReviewSamplePath(dir, r), data)
}

// ReadSample reads round r's sample; a round without one gives nil.
func ReadSample(dir string, r int) ([]Item, error) {
	items, err := rundir.ReadJSONL[Item](rundir.ReviewSamplePath(dir, r))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return items, err
}

// Decisions reads every decision recorded for round r, oldest first (a
// round without decisions gives nil). Latest keeps the one in force per
// passage.
func Decisions(dir string, r int) ([]Decision, error) {
	ds, err := rundir.ReadJSONL[Decision](rundir.ReviewDecisionsPath(dir, r))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return ds, err
}

// Latest is the decision in force per passage id: the last one recorded.
func Latest(ds []Decision) map[string]Decision {
	out := make(map[string]Decision, len(ds))
	for _, d := range ds {
		out[d.PassageID] = d
	}
	return out
}

// Queue is round r's sample with each item's decision in force.
func Queue(dir string, r int) ([]Entry, error) {
	items, err := ReadSample(dir, r)
	if err != nil {
		return nil, err
	}
	ds, err := Decisions(dir, r)
	if err != nil {
		return nil, err
	}
	latest := Latest(ds)
	out := make([]Entry, len(items))
	for i, it := range items {
		out[i].Item = it
		if d, ok := latest[it.PassageID]; ok {
			out[i].Decision = &d
		}
	}
	return out, nil
}

// Pending lists the sampled items of every round of run dir that have no
// decision yet, by round.
func Pending(dir string) ([]Item, error) {
	rounds, err := rundir.Rounds(dir)
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, r := range rounds {
		q, err := Queue(dir, r)
		if err != nil {
			return nil, err
		}
		for _, e := range q {
			if e.Decision == nil {
				out = append(out, e.Item)
			}
		}
	}
	return out, nil
}

// Decide records who's verdict (Approve or Reject) with note on passage
// passageID of round r's sample in run dir. It locks the run folder for
// the write, so it fails with a *runlock.HeldError while a cem process
// writes the run; a bad verdict, an empty who or a passage that is not in
// the round's sample is an error, and nothing is written.
func Decide(dir string, r int, passageID, verdict, who, note string) error {
	return DecideAll(dir, []Decision{{Round: r, PassageID: passageID, Verdict: verdict, Who: who, Note: note}})
}

// DecideAll records several decisions (each with its Round; At is set to
// now when zero) in one write per round, all or none.
func DecideAll(dir string, ds []Decision) error {
	if len(ds) == 0 {
		return nil
	}
	if _, err := rundir.Rounds(dir); err != nil {
		return err
	}
	lock, err := runlock.Acquire(dir)
	if err != nil {
		return err
	}
	defer lock.Release()
	byRound := map[int][]Decision{}
	var rounds []int
	now := time.Now().UTC().Truncate(time.Second)
	for _, d := range ds {
		if err := check(dir, d); err != nil {
			return err
		}
		if d.At.IsZero() {
			d.At = now
		}
		if _, ok := byRound[d.Round]; !ok {
			rounds = append(rounds, d.Round)
		}
		byRound[d.Round] = append(byRound[d.Round], d)
	}
	for _, r := range rounds {
		old, err := Decisions(dir, r)
		if err != nil {
			return err
		}
		data, err := jsonl.Marshal(append(old, byRound[r]...))
		if err != nil {
			return fmt.Errorf("review decisions of round %d: %w", r, err)
		}
		if err := rundir.WriteFile(rundir.ReviewDecisionsPath(dir, r), data); err != nil {
			return err
		}
	}
	return nil
}

// check validates one decision against its round's sample.
func check(dir string, d Decision) error {
	if d.Verdict != Approve && d.Verdict != Reject {
		return fmt.Errorf("review of passage %s: unknown verdict %q (want %s or %s)", d.PassageID, d.Verdict, Approve, Reject)
	}
	if strings.TrimSpace(d.Who) == "" {
		return fmt.Errorf("review of passage %s: who decided is missing", d.PassageID)
	}
	items, err := ReadSample(dir, d.Round)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return fmt.Errorf("round %d of %s has no review sample", d.Round, dir)
	}
	if !slices.ContainsFunc(items, func(it Item) bool { return it.PassageID == d.PassageID }) {
		return fmt.Errorf("passage %q is not in round %d's review sample (%d passages; `cem review %s` lists them)", d.PassageID, d.Round, len(items), dir)
	}
	return nil
}

// Outcome is what Apply did to a round.
type Outcome struct {
	Sampled  int `json:"sampled"`
	Approved int `json:"approved"`
	Rejected int `json:"rejected"`
	Pending  int `json:"pending"`
	// Dropped are the sources that lost their evidence, with the reason.
	Dropped map[string]string `json:"dropped,omitempty"`
}

// Apply applies the decisions in force on sample to curation's verdicts
// and returns new verdicts (vs is not modified): a kept verdict of a
// rejected passage becomes a reject of filter FilterPassage; every kept
// verdict of a source whose decided sample has a rejection rate above
// cfg.RejectLimit becomes a reject of filter FilterSource; an approved
// passage's verdicts carry an "approved" event naming the reviewer.
func Apply(vs []curate.Verdict, sample []Item, ds []Decision, cfg *config.ReviewConfig) ([]curate.Verdict, Outcome) {
	latest := Latest(ds)
	out := Outcome{Sampled: len(sample)}
	decided, rejected := map[string]int{}, map[string]int{}
	inSample := map[string]bool{}
	for _, it := range sample {
		inSample[it.PassageID] = true
		d, ok := latest[it.PassageID]
		switch {
		case !ok:
			out.Pending++
			continue
		case d.Verdict == Reject:
			out.Rejected++
			rejected[it.Source]++
		default:
			out.Approved++
		}
		decided[it.Source]++
	}
	limit := 1.0
	if cfg != nil {
		limit = cfg.RejectLimit()
	}
	for s, n := range decided {
		if rate := float64(rejected[s]) / float64(n); rate > limit {
			if out.Dropped == nil {
				out.Dropped = map[string]string{}
			}
			out.Dropped[s] = fmt.Sprintf("source %s: %d of %d reviewed passages rejected (%.0f%% > %.0f%% allowed)",
				s, rejected[s], n, 100*rate, 100*limit)
		}
	}
	res := make([]curate.Verdict, len(vs))
	for i, v := range vs {
		v.Events = slices.Clone(v.Events)
		res[i] = v
		if !v.Keep {
			continue
		}
		d, ok := latest[v.Passage.ID]
		ok = ok && inSample[v.Passage.ID]
		switch {
		case ok && d.Verdict == Reject:
			res[i].Keep, res[i].Filter, res[i].Reason = false, FilterPassage, "rejected by "+describe(d)
		case out.Dropped[v.Passage.Source] != "":
			res[i].Keep, res[i].Filter, res[i].Reason = false, FilterSource, out.Dropped[v.Passage.Source]
		}
		if ok && d.Verdict == Approve {
			res[i].Events = append(res[i].Events, curate.Event{PassageID: v.Passage.ID, ItemID: v.Claim.ItemID,
				Filter: FilterPassage, Kind: "approved", Detail: "approved by " + describe(d)})
		}
	}
	return res, out
}

// describe is "who (at): note" of a decision.
func describe(d Decision) string {
	s := d.Who
	if !d.At.IsZero() {
		s += " on " + d.At.UTC().Format("2006-01-02 15:04")
	}
	if d.Note != "" {
		s += ": " + d.Note
	}
	return s
}

// ErrAwaiting is matched (errors.Is) by an *AwaitingError.
var ErrAwaiting = errors.New("awaiting review")

// AwaitingError stops a run whose round needs review (curation.review.
// require) while sampled passages are undecided.
type AwaitingError struct {
	Dir     string
	Round   int
	Pending int
	Sampled int
}

func (e *AwaitingError) Error() string {
	return fmt.Sprintf("round %d awaits review: %d of %d sampled passages undecided; list them with `cem review %s`, decide with `cem review %s --approve ID` / `--reject ID --note WHY` (or --approve-all), then run again to resume",
		e.Round, e.Pending, e.Sampled, e.Dir, e.Dir)
}

// Is makes errors.Is(err, ErrAwaiting) true.
func (e *AwaitingError) Is(target error) bool { return target == ErrAwaiting }
