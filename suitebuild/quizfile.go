package suitebuild

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/cemlab/cem/internal/jsonl"

	"github.com/cemlab/cem/exam"
)

// QuizRecord is one logical line of a quiz data file (continuation lines
// joined): its categories in order.
type QuizRecord struct {
	Line   int // 1-based line where the record starts
	Fields []Pattern
}

// QuizSubject is one line of a quiz index file: a data file and the names
// of its categories, e.g. africa with "Africa{n}" and "cap{ital}".
type QuizSubject struct {
	Line int
	// Path is the data file as written in the index (an absolute system
	// path); Name is its base name ("africa").
	Path, Name string
	Categories []Pattern
}

// ParseQuiz reads a quiz data file: one record per line, categories
// separated by ':' outside brackets, a backslash before a character
// quoting it and a backslash at the end of a line joining the next line.
// name is used in errors, which are *exam.LineError values giving the line.
func ParseQuiz(r io.Reader, name string) ([]QuizRecord, error) {
	var out []QuizRecord
	err := quizLines(r, name, func(line int, text string) error {
		fields, err := splitQuizLine(text)
		if err != nil {
			return err
		}
		pats, err := parseCategories(fields)
		if err != nil {
			return err
		}
		out = append(out, QuizRecord{Line: line, Fields: pats})
		return nil
	})
	return out, err
}

// ParseQuizIndex reads a quiz index file: each line names a data file and
// then the category patterns of that file. At least one category is
// required.
func ParseQuizIndex(r io.Reader, name string) ([]QuizSubject, error) {
	var out []QuizSubject
	err := quizLines(r, name, func(line int, text string) error {
		fields, err := splitQuizLine(text)
		if err != nil {
			return err
		}
		if len(fields) < 2 || strings.TrimSpace(fields[0]) == "" {
			return fmt.Errorf("want a data file and at least one category, got %d fields", len(fields))
		}
		cats, err := parseCategories(fields[1:])
		if err != nil {
			return err
		}
		out = append(out, QuizSubject{Line: line, Path: fields[0], Name: filepath.Base(filepath.FromSlash(fields[0])), Categories: cats})
		return nil
	})
	return out, err
}

// parseCategories parses category patterns; errors name the category
// (counted from 1).
func parseCategories(fields []string) ([]Pattern, error) {
	out := make([]Pattern, 0, len(fields))
	for i, f := range fields {
		p, err := ParsePattern(f)
		if err != nil {
			return nil, fmt.Errorf("category %d: %w", i+1, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// quizLines calls fn with each logical line (continuations joined) and the
// number of its first physical line; blank lines are skipped. fn's errors
// are wrapped in a *exam.LineError at that line.
func quizLines(r io.Reader, name string, fn func(line int, text string) error) error {
	var buf strings.Builder
	start := 0
	emit := func() error {
		text := buf.String()
		buf.Reset()
		if strings.TrimSpace(text) == "" {
			return nil
		}
		if err := fn(start, text); err != nil {
			return &exam.LineError{File: name, Line: start, Err: err}
		}
		return nil
	}
	err := quizLinesRaw(r, name, func(line int, text string) error {
		if buf.Len() == 0 {
			start = line
		}
		if endsWithContinuation(text) {
			buf.WriteString(text[:len(text)-1])
			return nil
		}
		buf.WriteString(text)
		return emit()
	})
	if err != nil {
		return err
	}
	if buf.Len() > 0 {
		return emit() // a continuation on the last line: take what is there
	}
	return nil
}

// maxQuizLine bounds one physical line of a quiz file.
const maxQuizLine = 16 << 20

// quizLinesRaw calls fn with every physical line, blank ones included, and
// its number; fn's errors are wrapped in a *exam.LineError at that line. A
// line that is not valid UTF-8 is an error (a Latin-1 file would otherwise
// give items holding U+FFFD).
func quizLinesRaw(r io.Reader, name string, fn func(line int, text string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxQuizLine)
	line := 0
	for sc.Scan() {
		line++
		if err := jsonl.CheckUTF8(sc.Bytes()); err != nil {
			return &exam.LineError{File: name, Line: line, Err: err}
		}
		if err := fn(line, strings.TrimSuffix(sc.Text(), "\r")); err != nil {
			var le *exam.LineError
			if errors.As(err, &le) {
				return err
			}
			return &exam.LineError{File: name, Line: line, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return &exam.LineError{File: name, Line: line + 1, Err: err}
	}
	return nil
}

// endsWithContinuation reports whether s ends with an unquoted backslash
// (an odd number of trailing backslashes).
func endsWithContinuation(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitQuizLine splits a logical line at ':' outside brackets, keeping
// backslash escapes for ParsePattern. Unbalanced closers are errors.
func splitQuizLine(s string) ([]string, error) {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("column %d: %q closes nothing", i+1, s[i])
			}
		case ':':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unclosed bracket")
	}
	return append(out, s[start:]), nil
}
