package exam

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/cemlab/cem/internal/jsonl"
	"io"
	"os"

	"github.com/cemlab/cem/internal/atomicfile"
)

// LineError is an error in one line of a JSON Lines file.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// maxJSONLine bounds one JSON Lines record.
const maxJSONLine = 16 << 20

// decodeJSONL decodes one T per non-blank line of r. name is used in
// errors, which are *LineError values. Unknown fields are ignored, so
// files with extra annotations still load. A line that is not valid
// UTF-8 is an error, never decoded with replacement characters.
func decodeJSONL[T any](r io.Reader, name string, check func(*T) error) ([]T, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxJSONLine)
	var out []T
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if err := jsonl.CheckUTF8(b); err != nil {
			return nil, &LineError{File: name, Line: line, Err: err}
		}
		var v T
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&v); err != nil {
			return nil, &LineError{File: name, Line: line, Err: err}
		}
		if dec.More() {
			return nil, &LineError{File: name, Line: line, Err: fmt.Errorf("more than one JSON value on the line")}
		}
		if check != nil {
			if err := check(&v); err != nil {
				return nil, &LineError{File: name, Line: line, Err: err}
			}
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, &LineError{File: name, Line: line + 1, Err: err}
	}
	return out, nil
}

// readJSONL reads a JSON Lines file of T.
func readJSONL[T any](path string, check func(*T) error) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeJSONL(bufio.NewReaderSize(f, 1<<20), path, check)
}

// writeJSONL writes values as JSON Lines to path through a temporary file
// in the same folder and a rename, so readers never see half a file.
func writeJSONL[T any](path string, values []T) error {
	err := atomicfile.WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for i := range values {
			if err := enc.Encode(&values[i]); err != nil {
				return fmt.Errorf("record %d: %w", i+1, err)
			}
		}
		return nil
	}, 0o600)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
