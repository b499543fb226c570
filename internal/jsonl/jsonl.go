package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cemlab/cem/internal/atomicfile"
)

// MaxLine bounds one line (one record): 64 MiB. A longer line is an
// error at its line, never a silent cut.
const MaxLine = 64 << 20

// LineError is an error in one line of a JSON Lines file.
type LineError struct {
	File string // the name given to the reader (usually the path)
	Line int    // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Lines calls fn with every non-blank line of r (leading and trailing
// white space trimmed) and its 1-based number. A line that is not valid
// UTF-8 or is longer than MaxLine stops reading with a *LineError; so
// does fn's error, wrapped in a *LineError unless it is one already.
// name is the file name used in errors.
func Lines(r io.Reader, name string, fn func(line int, b []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := CheckUTF8(b); err != nil {
			return &LineError{File: name, Line: line, Err: err}
		}
		if err := fn(line, b); err != nil {
			var le *LineError
			if errors.As(err, &le) {
				return err
			}
			return &LineError{File: name, Line: line, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("line longer than %d MiB", MaxLine>>20)
		}
		return &LineError{File: name, Line: line + 1, Err: err}
	}
	return nil
}

// Unmarshal decodes exactly one JSON value from the line b into v;
// unknown object keys are ignored, so files with extra annotations load.
func Unmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// Decode decodes one T per non-blank line of r. check, when not nil, is
// called on each value and its error stops reading. Errors are
// *LineError values naming name and the line.
func Decode[T any](r io.Reader, name string, check func(*T) error) ([]T, error) {
	var out []T
	err := Lines(r, name, func(_ int, b []byte) error {
		var v T
		if err := Unmarshal(b, &v); err != nil {
			return err
		}
		if check != nil {
			if err := check(&v); err != nil {
				return err
			}
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Read decodes the JSON Lines file at path (see Decode).
func Read[T any](path string, check func(*T) error) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Decode(bufio.NewReaderSize(f, 1<<20), path, check)
}

// Encode writes values to w, one JSON value per line, without HTML
// escaping (the records hold text, not markup).
func Encode[T any](w io.Writer, values []T) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range values {
		if err := enc.Encode(&values[i]); err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
	}
	return nil
}

// Marshal returns values as JSON Lines.
func Marshal[T any](values []T) ([]byte, error) {
	var buf bytes.Buffer
	if err := Encode(&buf, values); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes values as JSON Lines to path through a temporary file in
// the same folder and a rename, so readers see the old file or the whole
// new one; perm is the new file's mode. The folder is created when
// missing.
func Write[T any](path string, values []T, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	err := atomicfile.WriteFile(path, func(w io.Writer) error { return Encode(w, values) }, perm)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
