package trainset

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cemlab/cem/curate"
)

// QA is a generated question with its answer.
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	// By names the writer of the question (WriterLLM for LLMWriter);
	// empty means the pool's own templates or cloze.
	By string `json:"by,omitempty"`
}

// Writer names recorded in Provenance.Writer.
const (
	WriterTemplate = "template" // TemplateQuestions
	WriterCloze    = "cloze"    // Cloze
	WriterLLM      = "llm"      // LLMWriter
	WriterOther    = "writer"   // a Builder.Writer that leaves QA.By empty
)

// template pairs: forward questions ask for the object given the subject
// ({s}); reverse ones ask for the subject given the object ({o}). They are
// worded unlike the exam builders' questions on purpose, so that the
// decontamination filter keeps them.
type relTemplates struct{ forward, reverse []string }

var templates = map[string]relTemplates{
	"capital": {
		[]string{"Which city is the capital of {s}?", "Name the capital city of {s}.", "{s} has its seat of government in which city?"},
		[]string{"Which country or state has {o} as its capital?", "{o} is the capital city of what?"},
	},
	"chemical symbol": {
		[]string{"Give the chemical symbol for {s}.", "Which symbol stands for the element {s}?"},
		[]string{"Which element is written {o}?", "The symbol {o} stands for which element?"},
	},
	"atomic number": {
		[]string{"{s} has which atomic number?", "How many protons are in an atom of {s}?"},
		[]string{"Which element has {o} protons?", "The element with atomic number {o} is?"},
	},
	"currency": {
		[]string{"Which currency is used in {s}?", "Name the money of {s}."},
		nil,
	},
}

var genericTemplates = relTemplates{
	[]string{"{s}: what is its {r}?", "Give the {r} of {s}."},
	[]string{"Whose {r} is {o}?", "{o} is the {r} of what?"},
}

// TemplateQuestions writes questions about ev's fact from the item's
// Subject, Relation and Object with templates keyed by relation (capital,
// chemical symbol, atomic number, currency; a generic pattern otherwise).
// The direction follows the gold answer: forward when it is the Object,
// reverse when it is the Subject. Items without a subject and relation
// give none.
func TemplateQuestions(ev Evidence) []QA {
	it := ev.Item
	if it.Subject == "" || it.Relation == "" {
		return nil
	}
	t, ok := templates[it.Relation]
	if !ok {
		t = genericTemplates
	}
	ans := curate.Normalize(ev.Answer)
	var list []string
	switch {
	case ans == curate.Normalize(it.Subject):
		list = t.reverse
		if list == nil && !ok {
			list = genericTemplates.reverse
		}
	case it.Object == "" || ans == curate.Normalize(it.Object):
		list = t.forward
	}
	r := strings.NewReplacer("{s}", it.Subject, "{o}", it.Object, "{r}", it.Relation)
	var out []QA
	for _, q := range list {
		out = append(out, QA{Question: r.Replace(q), Answer: ev.Answer})
	}
	return out
}

// clozeMaxWords caps the words of a cloze question; clozeMinWords is the
// fewest it may have before earlier clauses are added for context.
const (
	clozeMaxWords = 40
	clozeMinWords = 6
)

// Cloze turns the clause of ev's passage that names the answer (or an
// alias) into a fill-in-the-blank question: the clause (split at ';', '.'
// followed by a space, or a newline), joined with the clauses before it,
// then after it, while it has fewer than clozeMinWords words, cut to clozeMaxWords words
// around the answer, with every mention of the answer and its aliases
// replaced by "____". ok is false when no clause names the answer.
func Cloze(ev Evidence) (QA, bool) {
	text := passageText(ev.Passage.Title, ev.Passage.Text)
	answers := answerWords(ev)
	clauses := splitClauses(text)
	for ci, clause := range clauses {
		words := strings.Fields(clause)
		if !hasAny(words, answers) {
			continue
		}
		for j := ci - 1; j >= 0 && len(words) < clozeMinWords; j-- {
			prev := strings.Fields(clauses[j])
			if len(prev) > 0 {
				prev[len(prev)-1] += ";"
			}
			words = append(prev, words...)
		}
		for j := ci + 1; j < len(clauses) && len(words) < clozeMinWords; j++ {
			if len(words) > 0 {
				words[len(words)-1] += ";"
			}
			words = append(words, strings.Fields(clauses[j])...)
		}
		first, _ := firstOf(words, answers)
		lo := max(0, first-clozeMaxWords/2)
		words = words[lo:min(len(words), lo+clozeMaxWords)]
		var out []string
		for i := 0; i < len(words); {
			if _, n := matchAt(words, i, answers); n > 0 {
				out = append(out, "____")
				i += n
				continue
			}
			out = append(out, words[i])
			i++
		}
		q := fmt.Sprintf("Fill in the blank: %s", strings.Join(out, " "))
		return QA{Question: q, Answer: ev.Answer}, true
	}
	return QA{}, false
}

// answerWords returns the normalised words of ev's answer and aliases,
// skipping those with no words.
func answerWords(ev Evidence) [][]string {
	var answers [][]string
	for _, a := range append([]string{ev.Answer}, ev.Aliases...) {
		if aw := curate.Words(a); len(aw) > 0 {
			answers = append(answers, aw)
		}
	}
	return answers
}

func hasAny(words []string, answers [][]string) bool {
	i, _ := firstOf(words, answers)
	return i >= 0
}

// firstOf returns the index of the first word where an answer starts.
func firstOf(words []string, answers [][]string) (int, int) {
	for i := range words {
		if _, n := matchAt(words, i, answers); n > 0 {
			return i, n
		}
	}
	return -1, 0
}

// matchAt reports which answer (normalised words) starts at raw word i,
// comparing normalised forms, and how many raw words it covers (0: none).
func matchAt(words []string, i int, answers [][]string) (int, int) {
	for ai, aw := range answers {
		var got []string
		for j := i; j < len(words) && len(got) < len(aw); j++ {
			got = append(got, curate.Words(words[j])...)
			if slices.Equal(got, aw) {
				return ai, j - i + 1
			}
		}
	}
	return -1, 0
}

// splitClauses splits text at ';', newlines and sentence-ending dots.
func splitClauses(text string) []string {
	text = strings.ReplaceAll(text, ". ", ".\n")
	return strings.FieldsFunc(text, func(r rune) bool { return r == ';' || r == '\n' })
}
