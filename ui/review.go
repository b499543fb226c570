package ui

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
	Approve = "approve"
	Reject  = "reject"
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
