package trainset

import (
	"regexp"
	"slices"
	"strings"

	"github.com/cemlab/cem/curate"
)

// QA is a generated question with its answer.
type QA struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	// By names the writer of the question (WriterLLM for LLMWriter);
	// empty means the pool's own writers (templates, restated, passage).
	By string `json:"by,omitempty"`
}

// Writer names recorded in Provenance.Writer.
const (
	WriterTemplate = "template" // TemplateQuestions
	WriterPassage  = "passage"  // PassageQuestions
	WriterRestate  = "restate"  // RestateQuestion; for augment examples, Augment
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

// RestateQuestion rewords an exam question without its subject or
// relation fields, so that the words differ from the exam's (whose
// question text decontamination protects) while the question stays:
//
//	Which city is the capital of Chad?        Name the city that is the capital of Chad.
//	Who wrote Hamlet?                         Name the person that wrote Hamlet.
//	What is the capital of Chad?              The capital of Chad is what?
//	N'Djamena is the capital of which country? Name the country in question: N'Djamena is the capital of that country.
//
// ok is false for a question none of these shapes fits.
func RestateQuestion(q string) (string, bool) {
	q = strings.TrimSpace(q)
	for _, r := range restatements {
		if m := r.re.FindStringSubmatch(q); m != nil && (!r.noun || !auxiliaries[strings.ToLower(m[1])]) {
			return r.fn(m), true
		}
	}
	return "", false
}

// auxiliaries are the words that cannot be a question's noun ("Which is
// ...?").
var auxiliaries = map[string]bool{"is": true, "was": true, "are": true, "were": true, "does": true, "did": true,
	"do": true, "has": true, "have": true, "had": true, "can": true, "could": true, "will": true, "would": true, "of": true}

// restatements are RestateQuestion's rules, tried in order; noun marks
// those whose first group is the asked-for noun, which an auxiliary
// cannot be.
var restatements = []struct {
	re   *regexp.Regexp
	noun bool
	fn   func(m []string) string
}{
	{regexp.MustCompile(`^(?i:which|what) (\pL+(?: \pL+)??) (is|was|are|were|has|had|have) (.+?)\s*\?$`), true,
		func(m []string) string {
			if strings.HasPrefix(m[1], "of ") { // "Which of these is ...?"
				m[1] = "one " + m[1]
			}
			return sentence("Name the " + m[1] + " that " + m[2] + " " + m[3])
		}},
	{regexp.MustCompile(`^(?i:who) (\pL+) (.+?)\s*\?$`), false,
		func(m []string) string { return sentence("Name the person that " + m[1] + " " + m[2]) }},
	{regexp.MustCompile(`^(?i:what) (is|was|are|were) (.+?)\s*\?$`), false,
		func(m []string) string {
			// "What are people from Chad called?": the verb goes before
			// the participle, "People from Chad are called what?".
			if head, part, ok := cutLast(m[2]); ok && participle(part) {
				return questionOf(head + " " + m[1] + " " + part + " what")
			}
			return questionOf(m[2] + " " + m[1] + " what")
		}},
	{regexp.MustCompile(`^(.+) (?i:which|what) (\pL+(?: \pL+)?)\s*\?$`), false,
		func(m []string) string {
			return "Name the " + m[2] + " in question: " + sentence(m[1]+" that "+m[2])
		}},
}

// cutLast splits s before its last word.
func cutLast(s string) (head, last string, ok bool) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// participle reports whether w is a past participle a "What is X
// called?" question ends with: called, named, known, or a word in -ed.
func participle(w string) bool {
	w = strings.ToLower(w)
	return w == "known" || w == "spoken" || w == "written" || (len(w) > 4 && strings.HasSuffix(w, "ed"))
}

// figureRe is a figure that follows an answer in a statement ("Inyangani
// 2,592 m", "Everest 8,849 m"), which a question must not keep.
var figureRe = regexp.MustCompile(`^[-+]?\d[\d.,]*$`)

// unitRe is the unit after such a figure ("m", "km", "sq", "ft", "mi"):
// a list, not any short word, so that "Inyangani 2,592 is ..." keeps
// its "is".
var unitRe = regexp.MustCompile(`^(?:m|km|ft|mi|sq|kg|ha|mm|cm)\.?[,;:]?$`)

// whPhrase is the phrase a question asks with: "which city" for "Which
// city is ...?" or "... of which city?", "who", "when", "where", "how
// many"; "what" otherwise.
func whPhrase(q string) string {
	w := strings.Fields(strings.ToLower(strings.TrimRight(strings.TrimSpace(q), "?")))
	for i, x := range w {
		switch x {
		case "which", "what":
			if i+1 < len(w) && !auxiliaries[w[i+1]] {
				return "which " + strings.TrimSuffix(strings.Trim(w[i+1], ",;:"), "'s")
			}
			return "what"
		case "who", "when", "where":
			if i == 0 {
				return x
			}
		case "how":
			if i == 0 && len(w) > 1 && (w[1] == "many" || w[1] == "much") {
				return "how " + w[1]
			}
		}
	}
	return "what"
}

// maxPassageQuestions caps PassageQuestions' questions per evidence.
const maxPassageQuestions = 3

// PassageQuestions writes questions from ev's passage alone, for any
// item, with or without subject and relation fields: each restatement of
// the passage's facts (see Facts and Restate, both orders) and each
// sentence of the passage that names the answer (or an alias) exactly
// once becomes a question, the answer replaced by the item question's
// wh-phrase ("Kampala is the capital and largest city of which
// country?", "Which city is the capital and largest city of Uganda?",
// "What is the capital and largest city of Uganda called?").
// Statements sharing more words with the item's question come first,
// and among those as relevant the ones with the answer first; at most
// maxPassageQuestions, each once.
func PassageQuestions(ev Evidence) []QA {
	wh := whPhrase(ev.Item.Question)
	answers := answerWords(ev)
	var stmts []string
	for _, f := range Facts(ev.Passage) {
		fwd, inv := Restate(f)
		stmts = append(append(stmts, fwd), inv...)
	}
	qs := askByRelevance(stmts, ev.Item.Question, answers, wh)
	if len(qs) == 0 { // no fact names the answer: ask the passage's own clauses
		var clauses []string
		for _, c := range splitClauses(ev.Passage.Text) {
			if label, rest, ok := strings.Cut(c, ": "); ok && words(label) <= maxHeadWords {
				c = rest
			}
			clauses = append(clauses, sentence(c))
		}
		qs = askByRelevance(clauses, ev.Item.Question, answers, wh)
	}
	var out []QA
	for _, q := range qs {
		if len(out) == maxPassageQuestions {
			break
		}
		if !slices.ContainsFunc(out, func(o QA) bool { return o.Question == q }) {
			out = append(out, QA{Question: q, Answer: ev.Answer})
		}
	}
	return out
}

// askByRelevance asks stmts (see askStatements) in groups by how many
// of the question's words of four letters or more (the wh-phrase's left
// out) each holds, most first.
func askByRelevance(stmts []string, question string, answers [][]string, wh string) []string {
	var qw []string
	for _, w := range curate.Words(question) {
		if len(w) >= 4 && !slices.Contains(qw, w) && !slices.Contains(strings.Fields(wh), w) {
			qw = append(qw, w)
		}
	}
	groups := map[int][]string{}
	top := 0
	for _, s := range stmts {
		n, sw := 0, curate.Words(s)
		for _, w := range qw {
			if slices.Contains(sw, w) {
				n++
			}
		}
		groups[n] = append(groups[n], s)
		top = max(top, n)
	}
	var out []string
	for n := top; n >= 0; n-- {
		first, later := askStatements(groups[n], answers, wh)
		out = append(append(out, first...), later...)
	}
	return out
}

// askStatements turns each statement naming an answer exactly once into
// a question asking for it with wh: those with the answer first, then
// the others.
func askStatements(stmts []string, answers [][]string, wh string) (first, later []string) {
	for _, s := range stmts {
		words := strings.Fields(strings.TrimRight(s, ".?!"))
		i, n := firstOf(words, answers)
		if i < 0 || len(words)-n < 3 || len(words) > clauseMaxWords || strings.Count(s, ",") > 3 {
			continue // no answer, too short or long, or a list
		}
		if j, _ := firstOf(words[i+n:], answers); j >= 0 {
			continue // named twice: a blank would give it away
		}
		end := i + n
		if end < len(words) && figureRe.MatchString(strings.TrimRight(words[end], ",;:")) {
			end++ // "Inyangani 2,592 m": the figure is not part of what is asked
			if end < len(words) && unitRe.MatchString(words[end]) {
				end++
			}
		}
		last := words[end-1]
		tail := last[len(strings.TrimRight(last, ",;:")):] // punctuation after the answer stays
		rest := strings.Join(words[end:], " ")
		switch {
		case i == 0:
			first = append(first, questionOf(wh+tail+" "+rest))
		case rest == "" && i >= 2 && words[i-2] == "is" && words[i-1] == "called":
			later = append(later, questionOf("What is "+lowerArticle(strings.Join(words[:i-2], " "))+" called"))
		default:
			later = append(later, questionOf(strings.Join(words[:i], " ")+" "+wh+tail+" "+rest))
		}
	}
	return first, later
}

// clauseMaxWords caps the words of a statement PassageQuestions asks
// about.
const clauseMaxWords = 40

// questionOf capitalises s and ends it with a question mark.
func questionOf(s string) string {
	return strings.TrimSuffix(sentence(strings.TrimSpace(s)), ".") + "?"
}

// lowerArticle lower-cases a leading article ("The capital" -> "the
// capital"), leaving names as they are.
func lowerArticle(s string) string {
	for _, a := range []string{"The ", "A ", "An "} {
		if strings.HasPrefix(s, a) {
			return strings.ToLower(a) + s[len(a):]
		}
	}
	return s
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
