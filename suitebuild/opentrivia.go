package suitebuild

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cemlab/cem/exam"
)

// ParseOpenTrivia reads questions in the OpenTriviaQA text format:
//
//	#Q What is the capital of Chad?
//	^ N'Djamena
//	A Niamey
//	B N'Djamena
//	C Bamako
//	D Bangui
//
// A question may continue on the lines after "#Q" until the "^" line;
// choices are lines starting with a capital letter and a space, in
// order A, B, C, ...; blank lines separate records. The "^" answer must
// equal one of the choices (ignoring case and surrounding spaces).
//
// Items get ID "<prefix>-<n>" (n counts from 1 in file order), Topic
// topic, Source "opentriviaqa:<name>:<line>" and Fact the ID. name is used
// in errors, which are *exam.LineError values at the line of the fault.
func ParseOpenTrivia(r io.Reader, name, prefix, topic string) ([]exam.Item, error) {
	var items []exam.Item
	var cur *otRecord
	finish := func() error {
		if cur == nil {
			return nil
		}
		it, err := cur.item(fmt.Sprintf("%s-%d", prefix, len(items)+1), topic, name)
		if err != nil {
			return &exam.LineError{File: name, Line: cur.line, Err: err}
		}
		items = append(items, it)
		cur = nil
		return nil
	}
	err := quizLinesRaw(r, name, func(line int, text string) error {
		t := strings.TrimSpace(text)
		switch {
		case t == "":
			return finish()
		case strings.HasPrefix(t, "#Q"):
			if err := finish(); err != nil {
				return err
			}
			cur = &otRecord{line: line, question: strings.TrimSpace(t[2:])}
		case cur == nil:
			return fmt.Errorf("%q outside a question (want a line starting with #Q)", clip(t))
		case strings.HasPrefix(t, "^"):
			if cur.hasAnswer {
				return errors.New("second answer line")
			}
			cur.answer, cur.hasAnswer = strings.TrimSpace(t[1:]), true
		case cur.hasAnswer && isChoiceLine(t, len(cur.choices)):
			cur.choices = append(cur.choices, strings.TrimSpace(t[1:]))
		case !cur.hasAnswer:
			cur.question += " " + t
		default:
			return fmt.Errorf("want choice %c, got %q", 'A'+len(cur.choices), clip(t))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return items, nil
}

// otRecord is a question being read.
type otRecord struct {
	line      int
	question  string
	answer    string
	hasAnswer bool
	choices   []string
}

// item validates the record and makes its Item.
func (r *otRecord) item(id, topic, name string) (exam.Item, error) {
	if !r.hasAnswer {
		return exam.Item{}, errors.New("question has no ^ answer line")
	}
	idx := -1
	for i, c := range r.choices {
		if strings.EqualFold(c, r.answer) {
			idx = i
			break
		}
	}
	if idx < 0 {
		return exam.Item{}, fmt.Errorf("answer %q is not one of the %d choices", clip(r.answer), len(r.choices))
	}
	it := exam.Item{ID: id, Question: r.question, Choices: r.choices, Answer: exam.Answer{Index: idx},
		Topic: topic, Source: fmt.Sprintf("opentriviaqa:%s:%d", name, r.line), Fact: id, Variant: exam.VariantForward}
	if err := it.Validate(); err != nil {
		return exam.Item{}, err
	}
	return it, nil
}

// isChoiceLine reports whether t is the choice line with index n ("A x").
func isChoiceLine(t string, n int) bool {
	return n < len(exam.Letters) && len(t) >= 2 && t[0] == exam.Letters[n] && t[1] == ' '
}

// clip shortens s for error messages.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
