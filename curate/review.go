package curate

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
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

// LoadReviewList reads a review list file (see ParseReviewList).
func LoadReviewList(path string) (*ReviewList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("review list: %w", err)
	}
	defer f.Close()
	return ParseReviewList(f, path)
}

// maxReviewLine bounds one line of a review list.
const maxReviewLine = 1 << 20

// ParseReviewList reads a review list from r; name is used in errors. Each
// non-blank line that does not start with "#" is
//
//	approve <passage-id>
//	reject <passage-id> [note...]
//
// with the words separated by spaces or tabs. A later line about the same
// id overrides an earlier one. Errors name the file and line.
func ParseReviewList(r io.Reader, name string) (*ReviewList, error) {
	l := &ReviewList{Approved: map[string]bool{}, Rejected: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxReviewLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, rest := cutSpace(line)
		id, note := cutSpace(rest)
		if id == "" {
			return nil, fmt.Errorf("%s:%d: %q needs a passage id", name, n, verb)
		}
		switch verb {
		case "approve":
			l.Approved[id] = true
			delete(l.Rejected, id)
		case "reject":
			l.Rejected[id] = note
			delete(l.Approved, id)
		default:
			return nil, fmt.Errorf("%s:%d: unknown verb %q (want approve or reject)", name, n, verb)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	return l, nil
}

// cutSpace splits s at its first run of white space: the word before it
// and the rest after it, both without surrounding white space.
func cutSpace(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}
