package ui

import (
	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"
)

// Sample is one passage of a round's review sample, as the review queue
// shows it.
type Sample struct {
	Round     int
	PassageID string
	MistakeID string
	Source    string
	Title     string
	Text      string
	URL       string
	License   string
	// Verdict is "" while the sample awaits a decision, else the
	// decision ("approve" or "reject"), by Who, with Note.
	Verdict string
	Who     string
	Note    string
}

// Verdicts the dashboard's actions send.
const (
	Approve = review.Approve
	Reject  = review.Reject
)

// Reviewer is the review queue the dashboard reads and decides. The
// review package provides it (see cmd/cem's cem ui); the dashboard only
// calls it after checking the action's token.
type Reviewer interface {
	// Queue returns run folder dir's review samples, decided or not.
	Queue(dir string) ([]Sample, error)
	// Decide records a verdict on one sample. An unknown passage is an
	// error and records nothing.
	Decide(dir string, round int, passageID, verdict, who, note string) error
}

// RunReview is the Reviewer over the review package: the samples and
// decisions stored in each run folder.
type RunReview struct{}

// Queue implements Reviewer: every round's sample with its decision in force.
func (RunReview) Queue(dir string) ([]Sample, error) {
	rounds, err := rundir.Rounds(dir)
	if err != nil {
		return nil, err
	}
	var out []Sample
	for _, r := range rounds {
		q, err := review.Queue(dir, r)
		if err != nil {
			return nil, err
		}
		for _, e := range q {
			s := Sample{Round: e.Round, PassageID: e.PassageID, MistakeID: e.ItemID, Source: e.Source,
				Title: e.Title, Text: e.Text, URL: e.URL, License: e.License}
			if d := e.Decision; d != nil {
				s.Verdict, s.Who, s.Note = d.Verdict, d.Who, d.Note
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// Decide implements Reviewer with review.Decide (which locks the run
// folder and refuses a passage outside the round's sample).
func (RunReview) Decide(dir string, round int, passageID, verdict, who, note string) error {
	return review.Decide(dir, round, passageID, verdict, who, note)
}
