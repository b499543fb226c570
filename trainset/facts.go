package trainset

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cemlab/cem/knowledge"
)

// Fact is one statement read from a passage's text alone: Head, the
// entity the statement is about, is related by Rel to Tail. Facts know
// nothing of an exam item's subject or relation fields.
type Fact struct {
	Head string `json:"head"`
	// Rel is one of the Rel* constants, or a field label ("name of the
	// capital") for a "label: value" line.
	Rel  string `json:"rel"`
	Tail string `json:"tail"`
	// Verb is the copula of a RelCopula fact ("is", "are", "was",
	// "were") and the part of speech of a RelDefines one ("noun", "verb",
	// ...; "" when the heading names none).
	Verb string `json:"verb,omitempty"`
}

// Relations of facts read from the passage's shape.
const (
	RelDefines    = "defines"     // "lexeme (noun): gloss" or "term: gloss"
	RelAlso       = "also called" // the second and later lemmas of a heading
	RelKindOf     = "kind of"
	RelInstance   = "instance of"
	RelPartOf     = "part of"
	RelMemberOf   = "member of"
	RelHasPart    = "has part"
	RelCopula     = "copula" // a prose sentence "X is Y"
	maxHeadWords  = 8
	maxTailWords  = 14
	maxFieldWords = 8 // longer field values are read as prose
	// maxInvertWords caps a definition moved before its name; longer ones
	// often hold a second clause ("... of Uganda and lies on ...").
	maxInvertWords = 10
)

// relationLabels maps a lower-cased line label to its relation.
var relationLabels = map[string]string{
	"kind of": RelKindOf, "instance of": RelInstance, "part of": RelPartOf,
	"member of": RelMemberOf, "has part": RelHasPart,
}

// heading matches "lemmas (pos): gloss" and "term: gloss".
var heading = regexp.MustCompile(`^([^:()]+?)(?: \((noun|verb|adjective|adverb)\))?: (.+)$`)

// copula splits a sentence at its first copula.
var copula = regexp.MustCompile(`^(.+?) (is|are|was|were) (.+)$`)

// Facts reads the statements of p's text, in passage order, from its
// shape alone (a title that the text neither names nor heads is read as
// its heading):
//
//   - a heading line "lemmas (pos): gloss" (WordNet) or "term: gloss"
//     defines the first lemma by each ';'-separated gloss clause, and
//     names the other lemmas as what it is also called;
//   - later "Label: target; target" lines relate the head to each
//     target's first lemma (Kind of, Instance of, Part of, Member of, Has
//     part; any other short label as a field);
//   - a "Entity, Section > Field > sub: value" line (the Factbook) states
//     the field of the entity, its label read from the path's last
//     elements ("name of the capital");
//   - any other sentence of the form "X is Y" (and the gloss clauses and
//     long field values, read as prose) is a copula fact.
//
// Quoted usage examples and clauses of more than a few dozen words are
// skipped. A passage with no recognisable statement gives none.
func Facts(p knowledge.Passage) []Fact {
	var out []Fact
	head := ""
	text := p.Text
	if first, _, _ := strings.Cut(text, "\n"); !strings.Contains(first, ": ") && p.Title != "" && !strings.Contains(text, p.Title) {
		text = p.Title + ": " + text // the title heads the text, as in the CPT form (passageText)
	}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		label, value, hasLabel := strings.Cut(line, ": ")
		switch {
		case hasLabel && strings.Contains(label, " > "):
			ent, path, _ := strings.Cut(label, ", ")
			if head == "" {
				head = ent
			}
			out = append(out, fieldFacts(ent, path, value)...)
			continue
		case i > 0 && head != "" && hasLabel && words(label) <= 4:
			rel, ok := relationLabels[strings.ToLower(label)]
			if !ok {
				rel = strings.ToLower(label)
			}
			for _, t := range strings.Split(value, "; ") {
				if first := strings.TrimSpace(strings.SplitN(t, ", ", 2)[0]); first != "" && words(first) <= maxHeadWords && !strings.EqualFold(first, head) {
					out = append(out, Fact{Head: head, Rel: rel, Tail: first})
				}
			}
			continue
		}
		if m := heading.FindStringSubmatch(line); i == 0 && m != nil && words(m[1]) <= maxHeadWords+4 {
			lemmas := strings.Split(m[1], ", ")
			head = strings.TrimSpace(lemmas[0])
			for _, l := range lemmas[1:] {
				if l = strings.TrimSpace(l); l != "" && !strings.EqualFold(l, head) {
					out = append(out, Fact{Head: head, Rel: RelAlso, Tail: l})
				}
			}
			for gi, g := range strings.Split(m[3], ";") {
				out = append(out, glossFacts(head, strings.TrimSuffix(strings.TrimSpace(g), "."), m[2], gi == 0)...)
			}
			continue
		}
		out = append(out, proseFacts(line)...)
	}
	return out
}

// labelled matches a gloss clause "capital N'Djamena": a lower-case noun
// phrase of up to three words, then a proper name.
var labelled = regexp.MustCompile(`^([a-z]+(?: [a-z]+){0,2}) (\p{Lu}[\pL'.-]*(?: (?:\p{Lu}[\pL'.-]*|of|the|de|and))*)$`)

// predicates are the first words of a gloss clause that follows the head
// after "is" ("located in southern Uganda").
var predicates = map[string]bool{"located": true, "situated": true, "based": true, "known": true, "named": true,
	"called": true, "found": true, "used": true, "made": true, "noted": true, "famous": true, "formerly": true,
	"often": true, "usually": true, "now": true, "once": true, "part": true, "one": true}

// glossFacts reads one gloss clause g of head: a definition ("the
// capital of Uganda"; any first clause), a labelled name ("capital
// N'Djamena": the field "capital"), a predicate ("located in ...",
// "became independent of Denmark in 1944") or, when it starts with a
// name, a prose sentence. A later clause with a copula of its own
// ("buildings are heated by ...") says something of another subject and
// is skipped.
func glossFacts(head, g, pos string, first bool) []Fact {
	g = usageLabel.ReplaceAllString(g, "")
	switch {
	case g == "" || strings.HasPrefix(g, `"`) || words(g) > 3*maxTailWords:
		return nil
	case startsUpper(g):
		return proseFacts(g)
	}
	lead := strings.Fields(g)[0]
	if m := labelled.FindStringSubmatch(g); m != nil && !startsWithArticle(g) && !predicates[lead] && words(m[2]) <= 5 {
		return []Fact{{Head: head, Rel: m[1], Tail: m[2]}}
	}
	switch {
	case first || (pos != "" && pos != "noun") || startsWithArticle(g):
		return []Fact{{Head: head, Rel: RelDefines, Tail: g, Verb: pos}}
	case predicates[lead]:
		return []Fact{{Head: head, Rel: RelCopula, Tail: g, Verb: "is"}}
	case copula.MatchString(g):
		return nil
	}
	return []Fact{{Head: head, Rel: RelCopula, Tail: g}} // "became independent ...": no copula
}

// fieldFacts reads a Factbook-style field: its value's first clause as
// the field when short, the rest as prose.
func fieldFacts(ent, path, value string) []Fact {
	elems := strings.Split(path, " > ")
	if len(elems) > 1 {
		elems = elems[1:] // the section ("Government") names no relation
	}
	var label []string
	for i := len(elems) - 1; i >= 0; i-- {
		e := lowerLabel(elems[i])
		// An element the more specific one already names adds nothing
		// ("dependency ratios" after "youth dependency ratio").
		if len(label) > 0 && strings.Contains(label[len(label)-1], strings.TrimSuffix(e, "s")) {
			continue
		}
		label = append(label, e)
	}
	value = notePrefix.ReplaceAllString(value, "")
	first, rest, _ := strings.Cut(value, "; ")
	first = strings.TrimSpace(first)
	if label[0] == "note" || words(first) > maxFieldWords || copula.MatchString(first) {
		return proseFacts(value)
	}
	out := []Fact{{Head: ent, Rel: strings.Join(label, " of the "), Tail: first}}
	return append(out, proseFacts(notePrefix.ReplaceAllString(rest, ""))...)
}

// usageLabel is a gloss's leading domain label ("(physics) ").
var usageLabel = regexp.MustCompile(`^\([^)]*\)\s*`)

// notePrefix is the Factbook's "note - " before a remark.
var notePrefix = regexp.MustCompile(`^(?i:note)\s*(?:-|:)\s*`)

// lowerLabel lower-cases a field label's words, keeping acronyms ("Real
// GDP" -> "real GDP").
func lowerLabel(l string) string {
	ws := strings.Fields(l)
	for i, w := range ws {
		if strings.ToUpper(w) != w || utf8.RuneCountInString(w) < 2 {
			ws[i] = strings.ToLower(w)
		}
	}
	return strings.Join(ws, " ")
}

// proseFacts reads the copula sentences of text.
func proseFacts(text string) []Fact {
	var out []Fact
	for _, s := range splitClauses(text) {
		s = strings.TrimSuffix(strings.TrimSpace(s), ".")
		m := copula.FindStringSubmatch(s)
		if m == nil || words(m[1]) > maxHeadWords || words(m[3]) > 3*maxTailWords || strings.ContainsAny(m[1], ",()") {
			continue
		}
		out = append(out, Fact{Head: m[1], Rel: RelCopula, Tail: m[3], Verb: m[2]})
	}
	return out
}

// Restate words f in its own order (head first) and, where the relation
// can be inverted, in the other order (the tail, or the entity it names,
// first). inverse is nil when no inversion reads naturally.
func Restate(f Fact) (forward string, inverse []string) {
	h, t := f.Head, f.Tail
	switch f.Rel {
	case RelDefines:
		if f.Verb != "" && f.Verb != "noun" {
			return sentence(h + " means " + t), []string{sentence("A word for " + t + " is " + h)}
		}
		forward = sentence(h + " is " + t)
		if !startsWithArticle(t) {
			return forward, nil
		}
		if words(t) <= maxInvertWords {
			inverse = append(inverse, sentence(t+" is called "+h))
		}
		if n, b, ok := ofPhrase(t); ok {
			inverse = append(inverse, sentence(possessive(b)+" "+n+" is "+h))
		}
		return forward, inverse
	case RelAlso:
		return sentence(h + " is also called " + t), []string{sentence(t + " is another name for " + h)}
	case RelKindOf:
		return sentence(h + " is a kind of " + t), []string{sentence("One kind of " + t + " is " + h)}
	case RelInstance:
		return sentence(h + " is an instance of " + t), []string{sentence("One " + t + " is " + h)}
	case RelPartOf:
		return sentence(h + " is part of " + t), []string{sentence(t + " includes " + h)}
	case RelMemberOf:
		return sentence(h + " is a member of " + t), []string{sentence(t + " has " + h + " as a member")}
	case RelHasPart:
		return sentence(h + " includes " + t), []string{sentence(t + " is part of " + h)}
	case RelCopula:
		forward = sentence(strings.Join(strings.Fields(h+" "+f.Verb+" "+t), " "))
		if f.Verb == "" {
			return forward, nil
		}
		// "X is the N of B" and "the N of B is X" invert into each other,
		// and either into "B's N is X".
		def, name := t, h
		if strings.HasPrefix(strings.ToLower(h), "the ") && startsUpper(t) {
			def, name = h, t
		}
		if strings.HasPrefix(strings.ToLower(def), "the ") && words(def) <= maxInvertWords {
			if def == h {
				inverse = append(inverse, sentence(name+" "+f.Verb+" "+lowerArticle(def)))
			} else {
				inverse = append(inverse, sentence(def+" "+f.Verb+" "+name))
			}
			if n, b, ok := ofPhrase(def); ok {
				inverse = append(inverse, sentence(possessive(b)+" "+n+" "+f.Verb+" "+name))
			}
		}
		return forward, inverse
	}
	return sentence("The " + f.Rel + " of " + h + " is " + t), []string{sentence(t + " is the " + f.Rel + " of " + h)}
}

// ofPhrase splits "the N of B" (N up to five words, B a proper name: a
// run of capitalised words, inner "of", "the", "and" and "de" allowed)
// into N and B, dropping what follows the name.
func ofPhrase(t string) (n, b string, ok bool) {
	t = strings.TrimPrefix(strings.TrimPrefix(t, "the "), "The ")
	n, rest, found := strings.Cut(t, " of ")
	if !found || n == "" || words(n) > 5 || strings.ContainsAny(n, ",;()") {
		return "", "", false
	}
	var name []string
	for _, w := range strings.Fields(rest) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || (len(name) > 0 && (w == "of" || w == "the" || w == "and" || w == "de")) {
			name = append(name, strings.TrimRight(w, ",;."))
			if strings.ContainsAny(w, ",;") {
				break
			}
			continue
		}
		break
	}
	for len(name) > 0 && !startsUpper(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	if len(name) == 0 {
		return "", "", false
	}
	return n, strings.Join(name, " "), true
}

func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func startsWithArticle(t string) bool {
	l := strings.ToLower(t)
	return strings.HasPrefix(l, "the ") || strings.HasPrefix(l, "a ") || strings.HasPrefix(l, "an ")
}

// sentence capitalises s's first letter and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

func words(s string) int { return len(strings.Fields(s)) }
