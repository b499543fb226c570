package exam

import (
	"io"

	"github.com/cemlab/cem/internal/jsonl"
)

// LineError is an error in one line of a JSON Lines file.
type LineError = jsonl.LineError

// decodeJSONL decodes one T per non-blank line of r (see jsonl.Decode):
// unknown fields are ignored, so files with extra annotations still load,
// and a line that is not valid UTF-8 is an error, never decoded with
// replacement characters.
func decodeJSONL[T any](r io.Reader, name string, check func(*T) error) ([]T, error) {
	return jsonl.Decode(r, name, check)
}

// readJSONL reads a JSON Lines file of T.
func readJSONL[T any](path string, check func(*T) error) ([]T, error) {
	return jsonl.Read(path, check)
}

// writeJSONL writes values as JSON Lines to path through a temporary file
// in the same folder and a rename, so readers never see half a file.
func writeJSONL[T any](path string, values []T) error {
	return jsonl.Write(path, values, 0o644)
}
