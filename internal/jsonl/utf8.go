package jsonl

import (
	"fmt"
	"unicode/utf8"
)

// CheckUTF8 fails when the line b is not valid UTF-8, naming the first bad
// byte (1-based) so the user can find it; a file in Latin-1 would
// otherwise be read with U+FFFD in place of its accented letters.
func CheckUTF8(b []byte) error {
	if utf8.Valid(b) {
		return nil
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return fmt.Errorf("invalid UTF-8 at byte %d of the line (re-encode the file as UTF-8)", i+1)
		}
		i += n
	}
	return nil
}
