package trainset

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model"
)

// generalTemplates phrase a definition request; the passage title fills %s.
var generalTemplates = []string{"What does %q mean?", "Define %q.", "Explain the meaning of the word %q."}

// GeneralOptions tunes GeneralPool.
type GeneralOptions struct {
	N    int   // examples wanted (0: as many as pass the checks)
	Seed int64 // which passages and templates are used
	// Avoid lists terms (exam answers, subjects, key terms) that must not
	// appear in a general example: a passage whose normalised title or
	// text contains one as a word sequence is skipped.
	Avoid []string
	// Decontam, when set, also skips passages overlapping an exam item.
	Decontam *curate.Decontaminator
	// MaxWords caps the answer (the gloss) length in words; default 60.
	MaxWords int
	// Sources, when non-empty, keeps only the passages of these sources
	// (before the seeded order is drawn); DictionarySources names the
	// dictionary-like demo corpora.
	Sources []string
}

// DictionarySources are the dictionary-like corpora (one passage per
// headword with its definition) that general examples are made from.
var DictionarySources = []string{"wordnet", "gcide", "foldoc"}

// GeneralPool builds a general instruction pool from dictionary-like
// passages (WordNet synsets, GCIDE or FOLDOC entries): a question asking
// what the passage's Title means ("What does \"kettle\" mean?", in the
// exam's prompt schema), answered with its Text (cut to MaxWords words at
// a clause end when possible, after one space as exam.Continuation does). Passages without a title
// or text, those mentioning an Avoid term and those overlapping an exam
// item are skipped, so the pool teaches general ability, not exam facts.
// Passages are visited in a seeded random order; ids are
// "general:<passage id>" and Origin is the passage id.
func GeneralPool(passages []knowledge.Passage, opts GeneralOptions) []model.Example {
	if opts.MaxWords <= 0 {
		opts.MaxWords = 60
	}
	if len(opts.Sources) > 0 {
		var kept []knowledge.Passage
		for _, p := range passages {
			if slices.Contains(opts.Sources, p.Source) {
				kept = append(kept, p)
			}
		}
		passages = kept
	}
	var avoid [][]string
	for _, a := range opts.Avoid {
		if w := curate.Words(a); len(w) > 0 {
			avoid = append(avoid, w)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x6e4e))
	var out []model.Example
	for _, i := range rng.Perm(len(passages)) {
		if opts.N > 0 && len(out) >= opts.N {
			break
		}
		p := passages[i]
		title, text := strings.TrimSpace(p.Title), strings.TrimSpace(p.Text)
		if title == "" || text == "" || mentions(curate.Words(title+" \n "+text), avoid) {
			continue
		}
		if opts.Decontam != nil {
			if _, hit := opts.Decontam.Match(title + "\n" + text); hit {
				continue
			}
		}
		q := fmt.Sprintf(generalTemplates[rng.IntN(len(generalTemplates))], title)
		out = append(out, model.Example{ID: "general:" + p.ID, Kind: KindGeneral, Prompt: exam.Prompt(&exam.Item{Question: q}),
			Text: exam.Continuation(cutWords(text, opts.MaxWords)), Origin: p.ID})
	}
	return out
}

func mentions(words []string, phrases [][]string) bool {
	for _, p := range phrases {
		for i := 0; i+len(p) <= len(words); i++ {
			if slices.Equal(words[i:i+len(p)], p) {
				return true
			}
		}
	}
	return false
}

// cutWords keeps at most n words of s, ending at the last ';' or '.'
// within them when there is one.
func cutWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	cut := strings.Join(w[:n], " ")
	if i := strings.LastIndexAny(cut, ";."); i > len(cut)/2 {
		return cut[:i]
	}
	return cut
}
