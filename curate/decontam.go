package curate

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/cemlab/cem/exam"
)

// Default settings of the Decontaminator.
const (
	// DefaultNGram is the n-gram length used to detect overlap, in
	// normalised words (13 as in GPT-3's contamination study).
	DefaultNGram = 13
	// DefaultMinShort is the fewest words a short question must have to be
	// matched by containment; shorter ones ("Chad?") would reject any
	// passage that names the subject.
	DefaultMinShort = 3
)

// Decontaminator rejects text that overlaps the exam: any passage sharing
// an n-word sequence (normalised words, see Normalize) with a protected
// text, or containing a protected short question.
//
// For an exam item, the protected text is its question followed by its
// gold answer. When that has at least N words its n-grams are protected.
// When the question alone has fewer than N words (short quiz items such as
// "What is the capital of Chad?" cannot produce a 13-gram), the whole
// normalised question is protected instead by exact containment: a text is
// contaminated when its normalised words contain the question's normalised
// words as a contiguous sequence. Questions of fewer than MinShort words
// are not protected at all (counted in Skipped), since matching them would
// reject every passage naming the subject.
//
// Build it with NewDecontaminator and fill it with AddItems (every suite:
// exam, heldout, ood, general) and AddText before use; it is not safe for
// concurrent Add and Match. The zero value is not usable.
type Decontaminator struct {
	N        int
	MinShort int
	// Skipped counts protected texts too short to protect.
	Skipped int

	grams map[uint64]string   // n-gram hash -> id of the first text holding it
	short map[uint64][]phrase // hash of a phrase's first two words -> phrases
	min   int                 // shortest protected phrase length
}

type phrase struct {
	words []string
	id    string
}

// NewDecontaminator returns an empty Decontaminator using word n-grams of
// length n (DefaultNGram when n <= 0) and DefaultMinShort.
func NewDecontaminator(n int) *Decontaminator {
	if n <= 0 {
		n = DefaultNGram
	}
	return &Decontaminator{
		N: n, MinShort: DefaultMinShort,
		grams: map[uint64]string{}, short: map[uint64][]phrase{},
	}
}

// Name is "decontaminate".
func (d *Decontaminator) Name() string { return "decontaminate" }

// AddItems protects the question and answer text of every item (see the
// type's doc comment). The answer text is Answer.Text, or Choices[Index]
// when the text is empty.
func (d *Decontaminator) AddItems(items []exam.Item) {
	for _, it := range items {
		ans := it.Answer.Text
		if ans == "" && it.Answer.Index >= 0 && it.Answer.Index < len(it.Choices) {
			ans = it.Choices[it.Answer.Index]
		}
		q := Words(it.Question)
		qa := append(q[:len(q):len(q)], Words(ans)...)
		if len(qa) >= d.N {
			d.addGrams(it.ID, qa)
		}
		if len(q) < d.N {
			d.addPhrase(it.ID, q)
		}
	}
}

// AddText protects text under id: its n-grams when it has at least N
// words, otherwise the whole text by containment.
func (d *Decontaminator) AddText(id, text string) {
	w := Words(text)
	if len(w) >= d.N {
		d.addGrams(id, w)
		return
	}
	d.addPhrase(id, w)
}

func (d *Decontaminator) addGrams(id string, w []string) {
	for i := 0; i+d.N <= len(w); i++ {
		h := hashWords(w[i : i+d.N])
		if _, ok := d.grams[h]; !ok {
			d.grams[h] = id
		}
	}
}

func (d *Decontaminator) addPhrase(id string, w []string) {
	if len(w) < max(d.MinShort, 2) {
		d.Skipped++
		return
	}
	h := hashWords(w[:2])
	d.short[h] = append(d.short[h], phrase{words: w, id: id})
	if d.min == 0 || len(w) < d.min {
		d.min = len(w)
	}
}

// Match reports whether text overlaps a protected text, and the id of the
// protected text it overlaps (the first found, scanning text left to
// right).
func (d *Decontaminator) Match(text string) (id string, ok bool) {
	w := Words(text)
	for i := 0; i+d.N <= len(w); i++ {
		if id, ok := d.grams[hashWords(w[i:i+d.N])]; ok {
			return id, true
		}
	}
	if d.min == 0 {
		return "", false
	}
	for i := 0; i+d.min <= len(w); i++ {
		for _, p := range d.short[hashWords(w[i:i+2])] {
			if i+len(p.words) <= len(w) && slices.Equal(w[i:i+len(p.words)], p.words) {
				return p.id, true
			}
		}
	}
	return "", false
}

// Apply rejects the candidates whose title or text overlaps a protected
// text, naming the item overlapped.
func (d *Decontaminator) Apply(_ context.Context, in []Candidate) (Result, error) {
	return each(d.Name(), in, func(c *Candidate) (string, []Event) {
		if id, ok := d.Match(c.Passage.Title + " \n " + c.Passage.Text); ok {
			return fmt.Sprintf("overlaps exam item %s", id), nil
		}
		return "", nil
	}), nil
}

func hashWords(w []string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(strings.Join(w, " ")))
	return h.Sum64()
}
