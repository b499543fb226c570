package trainset

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/internal/prompttmpl"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/mistake"
)

// Augmentation forms: what an augment example's text restates (the last
// element of its id, "augment:<passage id>:<form>").
const (
	FormForward  = "forward"  // every fact head first, in passage order
	FormInverse  = "inverse"  // every fact that inverts, the other entity first
	FormShuffled = "shuffled" // one form of each fact, in a seeded order
	FormLLM      = "llm"      // a Paraphraser's restatement ("llm-<n>")
)

// Augmentation is one restatement document of a passage.
type Augmentation struct {
	Form string `json:"form"`
	Text string `json:"text"`
}

// Augment restates the facts of p (see Facts and Restate), offline and
// from the passage alone, as up to three documents: FormForward (each
// fact head first, in passage order), FormInverse (each invertible fact
// the other way round: "The capital and largest city of Uganda is called
// Kampala.", "Uganda's capital and largest city is Kampala.", "Uganda
// includes Kampala.") and FormShuffled (for each fact one of its forms,
// chosen and ordered by seed and p's id, a sentence reordering). A
// passage with no facts but several sentences gets a FormShuffled
// reordering of its sentences. Each statement is first offered to keep
// (nil keeps all), once however often it recurs; those it refuses (for
// example statements overlapping an exam item) are left out of every
// document and returned as dropped.
func Augment(p knowledge.Passage, seed int64, keep func(string) bool) (docs []Augmentation, dropped []string) {
	verdict := map[string]bool{} // keep asked once per statement
	ok := func(s string) bool {
		if keep == nil {
			return true
		}
		v, asked := verdict[s]
		if !asked {
			v = keep(s)
			verdict[s] = v
			if !v {
				dropped = append(dropped, s)
			}
		}
		return v
	}
	h := fnv.New64a()
	h.Write([]byte(p.ID))
	rng := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	var fwd, inv, mixed []string
	for _, f := range Facts(p) {
		forward, inverse := Restate(f)
		var forms []string
		if ok(forward) && !slices.Contains(fwd, forward) {
			fwd = append(fwd, forward)
			forms = append(forms, forward)
		}
		for _, s := range inverse {
			if ok(s) && !slices.Contains(inv, s) {
				inv = append(inv, s)
				forms = append(forms, s)
			}
		}
		if len(forms) > 0 {
			mixed = append(mixed, forms[rng.IntN(len(forms))])
		}
	}
	if len(fwd) == 0 && len(inv) == 0 {
		for _, s := range splitClauses(p.Text) {
			if s = strings.TrimSpace(s); words(s) >= 3 && ok(sentence(s)) {
				mixed = append(mixed, sentence(s))
			}
		}
	}
	if len(fwd) > 0 {
		docs = append(docs, Augmentation{Form: FormForward, Text: strings.Join(fwd, " ")})
	}
	if len(inv) > 0 {
		docs = append(docs, Augmentation{Form: FormInverse, Text: strings.Join(inv, " ")})
	}
	if len(mixed) > 1 {
		orig := slices.Clone(mixed)
		for try := 0; try < 4 && slices.Equal(mixed, orig); try++ {
			rng.Shuffle(len(mixed), func(i, j int) { mixed[i], mixed[j] = mixed[j], mixed[i] })
		}
		docs = append(docs, Augmentation{Form: FormShuffled, Text: strings.Join(mixed, " ")})
	}
	return docs, dropped
}

// Entities lists the entities a passage's facts relate, heads first,
// then the proper names in their tails, each once, at most max (0: no
// cap).
func Entities(p knowledge.Passage, max int) []string {
	var out []string
	add := func(e string) {
		e = strings.TrimSpace(e)
		if e == "" || (max > 0 && len(out) >= max) || slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, e) }) {
			return
		}
		out = append(out, e)
	}
	facts := Facts(p)
	for _, f := range facts {
		add(f.Head)
	}
	for _, f := range facts {
		switch f.Rel {
		case RelDefines, RelCopula:
			if _, b, ok := ofPhrase(f.Tail); ok {
				add(b)
			}
		default:
			if words(f.Tail) <= 4 {
				add(f.Tail)
			}
		}
	}
	return out
}

// Paraphraser writes further restatements of an evidence passage (for
// example with a language model, see LLMParaphraser).
type Paraphraser interface {
	Paraphrase(ctx context.Context, ev Evidence) ([]string, error)
}

// DefaultParaphraseTemplate is LLMParaphraser's prompt, the file
// prompts/paraphrase.tmpl (users copy it to override it): a
// text/template over ParaphraseFields.
//
//go:embed prompts/paraphrase.tmpl
var DefaultParaphraseTemplate string

// ParaphraseFields are the fields of the paraphrase template:
// {{.Passage}}, {{.Entities}} (the passage's entities, see Entities,
// joined by "; "), {{.Answer}} and {{.Max}}.
type ParaphraseFields struct {
	Passage, Entities, Answer string
	Max                       int
}

// CheckParaphraseTemplate reports a template that cannot work: an empty
// one, one that does not parse or names a field ParaphraseFields lacks,
// or one without {{.Passage}}.
func CheckParaphraseTemplate(tpl string) error { return paraphraseSpec.Check(tpl) }

var paraphraseSpec = prompttmpl.Spec[ParaphraseFields]{Name: "paraphrase.tmpl", Required: []string{"Passage"}}

// LLMParaphraser is a Paraphraser in the spirit of EntiGraph (Yang et
// al. 2024): it gives a model the passage and the entities its facts
// relate, and asks for sentences restating how pairs of them are
// related, each naming the other entity first in turn. Every reply line
// (after an optional bullet or number) of 4 to 60 words that names at
// least one of the entities or the answer, and is not a repeat, is a
// restatement; at most Max are kept.
type LLMParaphraser struct {
	Model     mistake.Generator
	Template  string // default DefaultParaphraseTemplate
	Max       int    // restatements per passage; default 4
	MaxTokens int    // reply cap; default 240
	Seed      int64
}

var _ Paraphraser = LLMParaphraser{}

// Paraphrase asks the model once (greedy, seeded). It fails only when
// the model fails; the error names the passage.
func (w LLMParaphraser) Paraphrase(ctx context.Context, ev Evidence) ([]string, error) {
	maxN, maxTok := w.Max, w.MaxTokens
	if maxN <= 0 {
		maxN = 4
	}
	if maxTok <= 0 {
		maxTok = 240
	}
	ents := Entities(ev.Passage, 8)
	lines, err := generateLines(ctx, w.Model, paraphraseSpec, cmp.Or(w.Template, DefaultParaphraseTemplate), ParaphraseFields{Passage: passageText(ev.Passage.Title, ev.Passage.Text),
		Entities: strings.Join(ents, "; "), Answer: ev.Answer, Max: maxN}, maxTok, w.Seed)
	if err != nil {
		return nil, fmt.Errorf("paraphrase passage %s: %w", ev.Passage.ID, err)
	}
	names := answerWords(ev)
	for _, e := range ents {
		if ew := curate.Words(e); len(ew) > 0 {
			names = append(names, ew)
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		k := curate.Normalize(l)
		if n := words(l); n < 4 || n > 60 || seen[k] || !hasAny(strings.Fields(l), names) {
			continue
		}
		seen[k] = true
		out = append(out, l)
		if len(out) == maxN {
			break
		}
	}
	return out, nil
}
