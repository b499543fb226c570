package exam

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Suite roles: what a suite measures in a round.
const (
	RoleExam    = "exam"    // mined for mistakes
	RoleHeldout = "heldout" // never mined; measures generalisation to related facts
	RoleOOD     = "ood"     // unrelated knowledge; measures forgetting
	RoleGeneral = "general" // general abilities that must not degrade
)

// SuiteExt is the file extension of suite files.
const SuiteExt = ".jsonl"

// Suite is a named list of items. On disk a suite is a JSON Lines file
// of Items (see SCHEMA.md) named <name>.jsonl.
type Suite struct {
	Name string
	// Role is one of the Role constants, or "" when unknown. ReadSuite
	// derives it from the name: a name equal to a role or starting with
	// the role and "_" or "-" ("heldout_reverse") has that role.
	Role  string
	Items []Item
}

// RoleOf returns the role a suite name implies, or "".
func RoleOf(name string) string {
	for _, r := range []string{RoleExam, RoleHeldout, RoleOOD, RoleGeneral} {
		if name == r || strings.HasPrefix(name, r+"_") || strings.HasPrefix(name, r+"-") {
			return r
		}
	}
	return ""
}

// ReadSuite reads a suite file. Every item is validated (see
// Item.Validate), IDs must be unique and the file must hold at least one
// item; errors name the file and line:
// "exam.jsonl:12: item x: answer index 4 out of range [0,4)".
func ReadSuite(path string) (*Suite, error) {
	seen := map[string]bool{}
	items, err := readJSONL(path, func(it *Item) error { return checkUnique(seen, it) })
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, emptySuiteError(path)
	}
	name := strings.TrimSuffix(filepath.Base(path), SuiteExt)
	return &Suite{Name: name, Role: RoleOf(name), Items: items}, nil
}

// DecodeSuite reads suite items from r with the checks of ReadSuite; name
// is used in errors.
func DecodeSuite(r io.Reader, name string) ([]Item, error) {
	seen := map[string]bool{}
	items, err := decodeJSONL(r, name, func(it *Item) error { return checkUnique(seen, it) })
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, emptySuiteError(name)
	}
	return items, nil
}

// ErrEmptySuite reports a suite file without items; an empty suite would
// otherwise be scored as 0.0 % of nothing.
var ErrEmptySuite = errors.New("suite has no items")

func emptySuiteError(name string) error { return fmt.Errorf("%s: %w", name, ErrEmptySuite) }

// checkUnique records it.ID and fails on a repeat.
func checkUnique(seen map[string]bool, it *Item) error {
	if seen[it.ID] {
		return fmt.Errorf("duplicate item id %q", it.ID)
	}
	seen[it.ID] = true
	return nil
}

// WriteSuite validates items and writes them to path atomically (a
// temporary file renamed into place). Nothing is written when an item is
// invalid or two items share an ID.
func WriteSuite(path string, items []Item) error {
	seen := map[string]bool{}
	for i := range items {
		it := items[i] // Validate may fill Answer.Text; keep the caller's copy intact
		if err := it.Validate(); err != nil {
			return fmt.Errorf("%s: item %d: %w", path, i+1, err)
		}
		if err := checkUnique(seen, &it); err != nil {
			return fmt.Errorf("%s: item %d: %w", path, i+1, err)
		}
	}
	return writeJSONL(path, items)
}
