package curate

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
)

// Decision is a human reviewer's decision on one passage.
type Decision int

// Decisions.
const (
	Pending  Decision = iota // not reviewed yet
	Approved                 // keep
	Rejected                 // drop
)

// Reviewer gives a human verdict on a candidate, with an optional note
// (used as the reject reason).
type Reviewer interface {
	Review(ctx context.Context, c Candidate) (Decision, string, error)
}

// Review is the human review hook as a filter: approved candidates are
// kept, rejected ones dropped with the reviewer's note, and pending ones
// kept unless RejectPending is set (then rejected as "awaiting review").
// A nil Reviewer approves everything.
type Review struct {
	Reviewer      Reviewer
	RejectPending bool
}

// Name is "review".
func (Review) Name() string { return "review" }

// Apply asks the reviewer about every candidate; it stops at the first
// reviewer error, naming the passage.
func (r Review) Apply(ctx context.Context, in []Candidate) (Result, error) {
	if r.Reviewer == nil {
		return Result{Kept: in}, nil
	}
	var res Result
	for _, c := range in {
		v, note, err := r.Reviewer.Review(ctx, c)
		if err != nil {
			return res, fmt.Errorf("review passage %s: %w", c.Passage.ID, err)
		}
		switch {
		case v == Rejected:
			if note == "" {
				note = "rejected by reviewer"
			}
			res.Rejects = append(res.Rejects, reject(r.Name(), c, note))
		case v == Pending && r.RejectPending:
			res.Rejects = append(res.Rejects, reject(r.Name(), c, "awaiting review"))
		default:
			res.Kept = append(res.Kept, c)
		}
	}
	return res, nil
}

// ReviewList is a file-based Reviewer: passage ids a person approved or
// rejected. Ids not listed are Pending.
type ReviewList struct {
	Approved map[string]bool
	Rejected map[string]string // id -> note
}

var _ Reviewer = (*ReviewList)(nil)

// Review looks c's passage id up in the list.
func (l *ReviewList) Review(_ context.Context, c Candidate) (Decision, string, error) {
	if note, ok := l.Rejected[c.Passage.ID]; ok {
		return Rejected, note, nil
	}
	if l.Approved[c.Passage.ID] {
		return Approved, "", nil
	}
	return Pending, "", nil
}

// LoadReviewList reads a review list file. Each non-blank line that does
// not start with "#" is
//
//	approve <passage-id>
//	reject <passage-id> [note...]
//
// A later line about the same id overrides an earlier one. Errors name
// the file and line.
func LoadReviewList(path string) (*ReviewList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("review list: %w", err)
	}
	defer f.Close()
	l := &ReviewList{Approved: map[string]bool{}, Rejected: map[string]string{}}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, rest, _ := strings.Cut(line, " ")
		id, note, _ := strings.Cut(strings.TrimSpace(rest), " ")
		if id == "" {
			return nil, fmt.Errorf("%s:%d: %q needs a passage id", path, n, verb)
		}
		switch verb {
		case "approve":
			l.Approved[id] = true
			delete(l.Rejected, id)
		case "reject":
			l.Rejected[id] = strings.TrimSpace(note)
			delete(l.Approved, id)
		default:
			return nil, fmt.Errorf("%s:%d: unknown verb %q (want approve or reject)", path, n, verb)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}
