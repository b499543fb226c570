package suitebuild

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cemlab/cem/corpus/wordnet"
	"github.com/cemlab/cem/exam"
)

// WordNetItems builds open questions about WordNet instance synsets (named
// people, places, works and events; the synsets with an "@i" pointer):
//
//   - forward: a question made from the gloss whose answer is the name,
//     "Who was the French chemist (born in Poland) who won two Nobel
//     prizes ...?" -> "Marie Curie", the other lemmas as aliases. Glosses
//     that contain one of the synset's own lemmas are skipped (the
//     question would give the answer away).
//   - reverse: "What kind of person was Marie Curie?" -> "chemist", the
//     lemmas of every class the instance belongs to as aliases; skipped
//     when another instance has the same name.
//   - capitals: instances of "national capital" or "state capital" that
//     are part of another instance give "What is the capital of Chad?"
//     (and the reverse for national capitals) with the Fact id quiz and
//     Factbook items use ("capital/chad"), so the sources merge.
//
// Items of one synset share the Fact "wordnet/<synset id>"; Topic is the
// lexicographer file without "noun." ("person", "location", "event").
// The order follows the database.
func WordNetItems(db *wordnet.DB) []exam.Item {
	names, defs := map[string]int{}, map[string]int{}
	lemmas := map[string]int{} // lemmas of the wholes capitals are part of
	wholes := map[wordnet.Key]bool{}
	for _, s := range db.Synsets {
		if !s.IsInstance() {
			continue
		}
		names[exam.Normalize(instanceName(s))]++
		defs[exam.Normalize(s.Definition)]++
		if w := capitalOf(db, s); w != nil && !wholes[w.Key()] {
			wholes[w.Key()] = true
			for _, l := range w.Lemmas {
				lemmas[exam.Normalize(l)]++
			}
		}
	}
	var items []exam.Item
	for _, s := range db.Synsets {
		if !s.IsInstance() {
			continue
		}
		classes := db.InstanceHypernyms(s)
		if len(classes) == 0 {
			continue
		}
		name := instanceName(s)
		topic := strings.TrimPrefix(s.LexFile, "noun.")
		base := exam.Item{
			Topic:    topic,
			Source:   "wordnet:" + s.ID(),
			Fact:     "wordnet/" + s.ID(),
			Subject:  name,
			Relation: "instance of",
			Object:   classes[0].Lemmas[0],
		}
		if q, ok := glossQuestion(s, topic); ok && defs[exam.Normalize(s.Definition)] == 1 {
			items = append(items, ask(base, "wordnet-"+s.ID()+"-fwd", exam.VariantForward, q, name, without(s.Lemmas, name)))
		}
		if names[exam.Normalize(name)] == 1 {
			var golds []string
			for _, c := range classes {
				golds = append(golds, c.Lemmas...)
			}
			golds = dedupeFold(golds)
			items = append(items, ask(base, "wordnet-"+s.ID()+"-rev", exam.VariantReverse,
				kindQuestion(topic, name), golds[0], golds[1:]))
		}
		items = append(items, capitalItems(db, s, name, lemmas)...)
	}
	return items
}

// instanceName picks the name of an instance: for people the first
// lemma of two or more words (the full name, "Marie Curie" rather than
// "Curie"), otherwise the first lemma.
func instanceName(s *wordnet.Synset) string {
	if s.LexFile == "noun.person" {
		for _, l := range s.Lemmas {
			if strings.Contains(l, " ") {
				return l
			}
		}
	}
	return s.Lemmas[0]
}

// glossQuestion turns the definition into a question whose answer is the
// instance, or false when the definition names the instance.
func glossQuestion(s *wordnet.Synset, topic string) (string, bool) {
	def := strings.TrimSpace(s.Definition)
	if def == "" {
		return "", false
	}
	nd := " " + exam.Normalize(def) + " "
	for _, l := range s.Lemmas {
		if nl := exam.Normalize(l); nl != "" && strings.Contains(nd, " "+nl+" ") {
			return "", false
		}
	}
	def = strings.TrimRight(def, ".;, ")
	if strings.HasPrefix(def, "(") { // "(New Testament) a Christian ..." -> "a Christian ... (New Testament)"
		if i := strings.Index(def, ")"); i > 0 && i+1 < len(def) {
			def = strings.TrimSpace(def[i+1:]) + " " + def[:i+1]
		}
	}
	if len(strings.Fields(parenthetical.ReplaceAllString(def, ""))) < minGlossWords {
		return "", false // "a town in Texas": too many answers
	}
	switch topic {
	case "person":
		verb := "was"
		if bornRe.MatchString(def) {
			verb = "is"
		}
		return fmt.Sprintf("Who %s %s?", verb, withArticle(def)), true
	case "location":
		return fmt.Sprintf("Which place is %s?", withArticle(def)), true
	case "event":
		return fmt.Sprintf("Which event was %s?", withArticle(def)), true
	}
	return fmt.Sprintf("What is the name of %s?", withArticle(def)), true
}

// minGlossWords is the fewest words, outside parentheses, a definition
// needs to make a question with one answer.
const minGlossWords = 5

// bornRe matches the life span of a living person: "(born 1946)".
var bornRe = regexp.MustCompile(`\(born (in )?\d`)

// parenthetical matches a parenthesised remark such as a life span.
var parenthetical = regexp.MustCompile(`\([^)]*\)`)

// withArticle prefixes "the " unless s starts with an article.
func withArticle(s string) string {
	l := strings.ToLower(s)
	for _, a := range []string{"a ", "an ", "the ", "one "} {
		if strings.HasPrefix(l, a) {
			return s
		}
	}
	return "the " + s
}

// kindQuestion asks for the class of an instance.
func kindQuestion(topic, name string) string {
	switch topic {
	case "person":
		return fmt.Sprintf("What kind of person was %s?", name)
	case "location":
		return fmt.Sprintf("What kind of place is %s?", name)
	case "event":
		return fmt.Sprintf("What kind of event was %s?", name)
	}
	return fmt.Sprintf("What kind of thing is %s?", name)
}

// capitalKind says whether s is a national capital ("country"), a state
// capital ("state") or neither ("").
func capitalKind(db *wordnet.DB, s *wordnet.Synset) string {
	kind := ""
	for _, c := range db.InstanceHypernyms(s) {
		switch {
		case slices.Contains(c.Lemmas, "national capital"):
			kind = "country"
		case slices.Contains(c.Lemmas, "state capital") && kind == "":
			kind = "state"
		}
	}
	return kind
}

// capitalOf returns the instance a capital is part of (its country or
// state), or nil when s is not a capital or is part of no instance.
func capitalOf(db *wordnet.DB, s *wordnet.Synset) *wordnet.Synset {
	if capitalKind(db, s) == "" {
		return nil
	}
	for _, w := range db.PartHolonyms(s) {
		if w.IsInstance() {
			return w
		}
	}
	return nil
}

// capitalItems makes capital questions when s is a capital that is part
// of another instance (its country or state). The country is named by its
// first lemma no other capital-holding instance has (two countries are
// "Congo"); without one no question is asked.
func capitalItems(db *wordnet.DB, s *wordnet.Synset, name string, lemmas map[string]int) []exam.Item {
	whole := capitalOf(db, s)
	if whole == nil {
		return nil
	}
	i := slices.IndexFunc(whole.Lemmas, func(l string) bool { return lemmas[exam.Normalize(l)] == 1 })
	if i < 0 {
		return nil
	}
	country := whole.Lemmas[i]
	base := exam.Item{
		Topic:    "capital",
		Source:   "wordnet:" + s.ID(),
		Fact:     FactID("capital", country),
		Subject:  country,
		Relation: "capital",
		Object:   name,
	}
	id := "wordnet-capital-" + slug(country)
	items := []exam.Item{ask(base, id+"-fwd", exam.VariantForward,
		fmt.Sprintf("What is the capital of %s?", country), name, without(s.Lemmas, name))}
	if capitalKind(db, s) == "country" {
		items = append(items, ask(base, id+"-rev", exam.VariantReverse,
			fmt.Sprintf("%s is the capital of which country?", name), country, without(whole.Lemmas, country)))
	}
	return items
}

// without returns list minus entries equal to x ignoring case, as a new
// slice (nil when empty).
func without(list []string, x string) []string {
	var out []string
	for _, s := range list {
		if !strings.EqualFold(s, x) {
			out = append(out, s)
		}
	}
	return out
}

// dedupeFold removes repeats ignoring case, keeping first occurrences.
func dedupeFold(list []string) []string {
	var out []string
	for _, s := range list {
		if !containsAnswer(out, s) {
			out = append(out, s)
		}
	}
	return out
}
