package exam

import (
	"regexp"
	"strings"
)

// Prompt returns the instruction text an item is asked with: its question
// in the normative schema
//
//	Question: What is the capital of Chad?
//	Answer:
//
// The model backend applies its own chat or instruction template around
// it. The training set builder uses the same text as the prompt of
// normative instruction examples, so that what the model is trained on is
// what it is tested with. An item with a Context is asked after it:
//
//	Context: N'Djamena is the capital of Chad.
//
//	Question: What is the capital of Chad?
//	Answer:
func Prompt(it *Item) string {
	return contextLead(it) + "Question: " + strings.TrimSpace(it.Question) + "\nAnswer:"
}

// contextLead is the "Context: ...\n\n" line of an item with a Context,
// else "".
func contextLead(it *Item) string {
	c := strings.Join(strings.Fields(it.Context), " ")
	if c == "" {
		return ""
	}
	return "Context: " + c + "\n\n"
}

// Continuation returns the text scored or generated after Prompt for an
// answer: the answer with one leading space, as it follows "Answer:".
func Continuation(answer string) string { return " " + strings.TrimSpace(answer) }

// Letters labels the choices of a letter-mode prompt.
const Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// LetterPrompt returns the prompt of a multiple-choice item in letter
// mode: the question, the choices labelled "A.", "B.", ..., and a request
// to answer with the letter:
//
//	Question: What is the capital of Chad?
//	A. Niamey
//	B. N'Djamena
//	Answer with the letter of the correct choice.
//	Answer:
//
// An item with a Context is asked after it, as in Prompt.
func LetterPrompt(it *Item) string {
	var b strings.Builder
	b.WriteString(contextLead(it))
	b.WriteString("Question: ")
	b.WriteString(strings.TrimSpace(it.Question))
	b.WriteByte('\n')
	for i, c := range it.Choices {
		if i >= len(Letters) {
			break
		}
		b.WriteByte(Letters[i])
		b.WriteString(". ")
		b.WriteString(strings.TrimSpace(c))
		b.WriteByte('\n')
	}
	b.WriteString("Answer with the letter of the correct choice.\nAnswer:")
	return b.String()
}

var (
	// "the answer is (B)", "Answer: B", "correct choice is B."
	letterAfterCue = regexp.MustCompile(`(?i)(?:answer|choice|option)\s*(?:is|:)?\s*:?\s*\(?([A-Z])\)?(?:[^A-Za-z]|$)`)
	// "B", "B.", "(B)", "B) N'Djamena" at the start
	letterAtStart = regexp.MustCompile(`^\s*\(?([A-Z])(?:[).:\s]|$)`)
	// a lone capital letter anywhere, "I think B"
	loneLetter = regexp.MustCompile(`(?:^|[^A-Za-z'])\(?([A-Z])\)?(?:[^A-Za-z']|$)`)
)

// ExtractLetter finds the choice a generated letter-mode answer picks,
// returning its index or -1. It tries, in order: a letter at the start
// ("B", "(B)", "B. N'Djamena"); a letter after a cue ("The answer is B");
// the text of exactly one choice, alone or within the first line ("I think
// it is Pius"); a lone capital letter. Letters beyond
// the n choices are ignored. The pronoun "I" and article "A" followed by a
// lower-case word are not taken as letters by the last rule.
func ExtractLetter(gen string, choices []string) int {
	n := min(len(choices), len(Letters))
	valid := func(m []string) int {
		if m == nil {
			return -1
		}
		i := strings.IndexByte(Letters, m[1][0])
		if i < 0 || i >= n {
			return -1
		}
		return i
	}
	gen = strings.TrimSpace(gen)
	if i := valid(letterAtStart.FindStringSubmatch(gen)); i >= 0 && !articleA(gen) {
		return i
	}
	for _, m := range letterAfterCue.FindAllStringSubmatch(gen, -1) {
		if i := valid(m); i >= 0 {
			return i
		}
	}
	if i := matchChoiceText(gen, choices); i >= 0 {
		return i
	}
	for _, loc := range loneLetter.FindAllStringSubmatchIndex(gen, -1) {
		letter := gen[loc[2]:loc[3]]
		if letter == "I" || letter == "A" && followedByWord(gen[loc[3]:]) {
			continue
		}
		if i := valid([]string{"", letter}); i >= 0 {
			return i
		}
	}
	return -1
}

// articleA reports whether s starts with the article "A" before a word
// ("A city in Chad"), not the letter A.
func articleA(s string) bool {
	return strings.HasPrefix(s, "A ") && followedByWord(s[1:])
}

// followedByWord reports whether s is a space and a lower-case word.
func followedByWord(s string) bool {
	return len(s) >= 2 && s[0] == ' ' && s[1] >= 'a' && s[1] <= 'z'
}

// matchChoiceText returns the index of the choice the generation's first
// line names: the only choice equal to it after Normalize, or else the
// only choice contained in it as whole words; -1 when none or several.
func matchChoiceText(gen string, choices []string) int {
	line := Normalize(firstLine(gen))
	if line == "" {
		return -1
	}
	for _, exact := range []bool{true, false} {
		found := -1
		for i, c := range choices {
			n := Normalize(c)
			if n == "" || !(exact && n == line || !exact && strings.Contains(" "+line+" ", " "+n+" ")) {
				continue
			}
			if found >= 0 {
				return -1
			}
			found = i
		}
		if found >= 0 {
			return found
		}
	}
	return -1
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// CleanGeneration returns the answer part of an open-question generation:
// its first non-empty line, with a leading "Answer:" removed and a
// trailing full stop dropped.
func CleanGeneration(gen string) string {
	s := firstLine(gen)
	if len(s) >= 7 && strings.EqualFold(s[:7], "answer:") {
		s = strings.TrimSpace(s[7:])
	}
	return strings.TrimSpace(strings.TrimSuffix(s, "."))
}
