package exam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cemlab/cem/internal/jsonl"
)

// Variants of an item with respect to its fact.
const (
	VariantForward = "forward"
	VariantReverse = "reverse"
)

// OpenAnswer returns the Answer of an open question with gold text.
func OpenAnswer(text string) Answer { return Answer{Index: -1, Text: text} }

// IsOpen reports whether the answer is free text rather than a choice.
func (a Answer) IsOpen() bool { return a.Index < 0 }

// MarshalJSON writes the index as a JSON number for multiple choice and
// the text as a JSON string for open questions.
func (a Answer) MarshalJSON() ([]byte, error) {
	if a.Index >= 0 {
		return []byte(fmt.Sprint(a.Index)), nil
	}
	return json.Marshal(a.Text)
}

// UnmarshalJSON reads a JSON number (a choice index, which must be >= 0)
// or a JSON string (open answer text, which must not be blank). For a
// number Text is left empty; Item.Validate fills it from the choices.
func (a *Answer) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if strings.TrimSpace(s) == "" {
			return errors.New("answer: empty text")
		}
		*a = Answer{Index: -1, Text: s}
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("answer: want a choice index or answer text, got %s", b)
	}
	if n < 0 {
		return fmt.Errorf("answer: negative choice index %d", n)
	}
	*a = Answer{Index: n}
	return nil
}

// UnmarshalJSON decodes an item and validates it (see Validate), so that
// a decoded multiple-choice item always has Answer.Text set.
func (it *Item) UnmarshalJSON(b []byte) error {
	type plain Item // no methods: avoids recursion
	p := plain{Answer: Answer{Index: -1}}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*it = Item(p)
	return it.Validate()
}

// Validate checks an item: a non-empty ID and question; for multiple
// choice at least two choices, no blank choice and an answer index within
// them (it then sets Answer.Text to the chosen text); for open questions a
// non-blank answer text and no choices; a non-negative weight; a probe
// kind that is one of ProbeKinds (or none); one choice_about entry per
// choice when there are any; every text field valid UTF-8
// without U+FFFD.
func (it *Item) Validate() error {
	switch {
	case strings.TrimSpace(it.ID) == "":
		return errors.New("item has no id")
	case strings.TrimSpace(it.Question) == "":
		return fmt.Errorf("item %s: empty question", it.ID)
	case it.Weight < 0:
		return fmt.Errorf("item %s: negative weight %g", it.ID, it.Weight)
	case it.Probe != "" && !slices.Contains(ProbeKinds(), it.Probe):
		return fmt.Errorf("item %s: unknown probe %q (want %s)", it.ID, it.Probe, strings.Join(ProbeKinds(), ", "))
	case it.ChoiceAbout != nil && len(it.ChoiceAbout) != len(it.Choices):
		return fmt.Errorf("item %s: %d choice_about entries for %d choices", it.ID, len(it.ChoiceAbout), len(it.Choices))
	}
	if err := it.checkText(); err != nil {
		return err
	}
	if it.Answer.IsOpen() {
		if len(it.Choices) > 0 {
			return fmt.Errorf("item %s: answer is text but the item has choices; give the index", it.ID)
		}
		if strings.TrimSpace(it.Answer.Text) == "" {
			return fmt.Errorf("item %s: no answer", it.ID)
		}
		return nil
	}
	if len(it.Choices) < 2 {
		return fmt.Errorf("item %s: answer is an index but the item has %d choices", it.ID, len(it.Choices))
	}
	if it.Answer.Index >= len(it.Choices) {
		return fmt.Errorf("item %s: answer index %d out of range [0,%d)", it.ID, it.Answer.Index, len(it.Choices))
	}
	for i, c := range it.Choices {
		if strings.TrimSpace(c) == "" {
			return fmt.Errorf("item %s: choice %d is blank", it.ID, i)
		}
	}
	it.Answer.Text = it.Choices[it.Answer.Index]
	return nil
}

// checkText fails when a text field is not valid UTF-8 or holds U+FFFD,
// the replacement character a wrong decoding leaves behind.
func (it *Item) checkText() error {
	fields := []struct {
		name string
		text []string
	}{
		{"id", []string{it.ID}}, {"question", []string{it.Question}}, {"answer", []string{it.Answer.Text}},
		{"choice", it.Choices}, {"alias", it.Aliases}, {"topic", []string{it.Topic}},
		{"source", []string{it.Source}}, {"fact", []string{it.Fact}}, {"subject", []string{it.Subject}},
		{"relation", []string{it.Relation}}, {"object", []string{it.Object}}, {"variant", []string{it.Variant}},
		{"about", []string{it.About}}, {"familiarity", []string{it.Familiarity}}, {"choice_about", it.ChoiceAbout},
	}
	for _, f := range fields {
		for _, s := range f.text {
			switch {
			case !utf8.ValidString(s):
				return fmt.Errorf("item %s: %s %q is not valid UTF-8", it.ID, f.name, s)
			case strings.ContainsRune(s, utf8.RuneError):
				return fmt.Errorf("item %s: %s %q holds U+FFFD, the mark of text decoded with the wrong encoding", it.ID, f.name, s)
			}
		}
	}
	return nil
}

// IsMultipleChoice reports whether the item has choices.
func (it *Item) IsMultipleChoice() bool { return !it.Answer.IsOpen() }

// EffectiveWeight returns Weight, or 1 when Weight is 0.
func (it *Item) EffectiveWeight() float64 {
	if it.Weight == 0 {
		return 1
	}
	return it.Weight
}

// Golds returns the accepted answer texts: the answer first, then the
// aliases, without empty strings.
func (it *Item) Golds() []string {
	out := make([]string, 0, 1+len(it.Aliases))
	if it.Answer.Text != "" {
		out = append(out, it.Answer.Text)
	}
	for _, a := range it.Aliases {
		if strings.TrimSpace(a) != "" {
			out = append(out, a)
		}
	}
	return out
}

// MarshalJSONLine returns the item as one JSON Lines record (with the
// trailing newline), HTML characters unescaped.
func (it *Item) MarshalJSONLine() ([]byte, error) {
	return jsonl.Marshal([]*Item{it})
}
