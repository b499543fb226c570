package suitebuild

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cemlab/cem/exam"
)

// quizRelation turns two categories of a quiz file into questions.
type quizRelation struct {
	file     string // data file base name
	from, to int    // category indexes: subject and object
	relation string // fact relation, e.g. "capital"
	topic    string
	forward  string // question about the subject (%s), answer the object
	reverse  string // question about the object (%s), answer the subject; "" for none
}

// quizRelations lists the quiz files that hold facts worth asking about,
// with question templates. Files of puzzles (arith, seq-*, morse) or
// quotations (bard, poetry) are not used.
var quizRelations = func() []quizRelation {
	var rs []quizRelation
	for _, f := range []string{"africa", "america", "asia", "europe"} {
		rs = append(rs, quizRelation{f, 0, 1, "capital", "capital",
			"What is the capital of %s?", "%s is the capital of which country?"})
	}
	return append(rs,
		quizRelation{"province", 0, 1, "capital", "capital",
			"What is the capital of %s?", "%s is the capital of which Canadian province or territory?"},
		quizRelation{"state", 0, 1, "capital", "capital",
			"What is the capital of %s?", "%s is the capital of which U.S. state?"},
		quizRelation{"state", 0, 2, "postal abbreviation", "us-state",
			"What is the postal abbreviation of %s?", "Which U.S. state has the postal abbreviation %s?"},
		quizRelation{"state", 0, 3, "state flower", "us-state",
			"What is the state flower of %s?", ""},
		quizRelation{"midearth", 0, 1, "capital", "tolkien",
			"In Tolkien's Middle-earth, what is the capital of %s?", "In Tolkien's Middle-earth, %s is the capital of which realm?"},
		quizRelation{"elements", 3, 0, "chemical symbol", "element",
			"What is the chemical symbol of %s?", "Which chemical element has the symbol %s?"},
		quizRelation{"elements", 3, 1, "atomic number", "element",
			"What is the atomic number of %s?", "Which chemical element has atomic number %s?"},
		quizRelation{"murders", 0, 1, "killer", "murder",
			"Who or what killed %s?", ""},
		quizRelation{"collectives", 0, 1, "collective noun", "collective",
			"What is the collective noun for a group of %s?", "A %s is a group of what?"},
		quizRelation{"babies", 0, 1, "young of", "animal",
			"A %s is the young of which animal?", "What is the young of a %s called?"},
		quizRelation{"sexes", 0, 1, "female form", "gender-word",
			"What is the female counterpart of %s?", "What is the male counterpart of %s?"},
		quizRelation{"flowers", 0, 1, "flower meaning", "flower",
			"In the language of flowers, what does %s mean?", ""},
		quizRelation{"latin", 0, 1, "latin meaning", "latin",
			`What does the Latin word "%s" mean in English?`, ""},
		quizRelation{"pres", 0, 3, "successor", "us-president",
			"Who succeeded %s as President of the United States?", "Whom did %s succeed as President of the United States?"},
		quizRelation{"pres", 0, 2, "vice president", "us-president",
			"Who was vice president under President %s?", ""},
		quizRelation{"sov", 0, 2, "successor", "english-monarch",
			"Who succeeded %s as English monarch?", "Whom did %s succeed as English monarch?"},
		quizRelation{"inca", 0, 1, "successor", "inca",
			"Who succeeded the Inca ruler %s?", "Whom did %s succeed as Inca ruler?"},
	)
}()

// QuizItems builds open questions from the bsdgames quiz folder dir (the
// one holding "index", "africa", "europe", ...). For each known relation
// it asks the forward question ("What is the capital of Chad?") and, where
// the relation is one-to-one in the data, the reverse one ("N'Djamena is
// the capital of which country?"). The answer is the first, fullest form
// of the category (accents composed); the pattern's other expansions are
// aliases. Items about the same fact share Fact "relation/subject" (e.g.
// "capital/chad") with Subject, Relation and Object set, whichever file
// they come from; repeats (Egypt is in both africa and asia) are merged.
//
// Files named in quizRelations that are absent from dir are skipped; when
// dir has an index file, a relation whose categories the index does not
// have is skipped too. It fails when dir holds none of the files.
func QuizItems(dir string) ([]exam.Item, error) {
	cats, err := quizIndexCategories(dir)
	if err != nil {
		return nil, err
	}
	records := map[string][]QuizRecord{}
	var items []exam.Item
	found := 0
	for _, rel := range quizRelations {
		if n, ok := cats[rel.file]; ok && (rel.from >= n || rel.to >= n) {
			continue
		}
		recs, ok := records[rel.file]
		if !ok {
			recs, err = readQuizFile(filepath.Join(dir, rel.file))
			if errors.Is(err, os.ErrNotExist) {
				records[rel.file] = nil
				continue
			}
			if err != nil {
				return nil, err
			}
			records[rel.file] = recs
		}
		if recs != nil {
			found++
		}
		items = append(items, relationItems(rel, recs)...)
	}
	if found == 0 {
		return nil, fmt.Errorf("quiz: no quiz data files under %s", dir)
	}
	return MergeDuplicates(items), nil
}

// quizIndexCategories reads dir/index, returning the category count of
// each data file by base name, or nil when there is no index.
func quizIndexCategories(dir string) (map[string]int, error) {
	f, err := os.Open(filepath.Join(dir, "index"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("quiz: %w", err)
	}
	defer f.Close()
	subjects, err := ParseQuizIndex(f, f.Name())
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, s := range subjects {
		out[s.Name] = len(s.Categories)
	}
	return out, nil
}

// readQuizFile parses one quiz data file.
func readQuizFile(path string) ([]QuizRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseQuiz(f, path)
}

// relationItems makes the items of one relation over a file's records.
func relationItems(rel quizRelation, recs []QuizRecord) []exam.Item {
	// A reverse question is asked only when its object names one subject.
	subjectsOf := map[string]map[string]bool{}
	for _, r := range recs {
		if s, o, ok := recordPair(rel, r); ok {
			k := exam.Normalize(o.Canonical())
			if subjectsOf[k] == nil {
				subjectsOf[k] = map[string]bool{}
			}
			subjectsOf[k][exam.Normalize(s.Canonical())] = true
		}
	}
	var items []exam.Item
	for _, r := range recs {
		subj, obj, ok := recordPair(rel, r)
		if !ok {
			continue
		}
		s, o := subj.Canonical(), obj.Canonical()
		base := exam.Item{
			Topic:    rel.topic,
			Source:   fmt.Sprintf("bsdgames:%s:%d", rel.file, r.Line),
			Fact:     FactID(rel.relation, s),
			Subject:  s,
			Relation: rel.relation,
			Object:   o,
		}
		id := "quiz-" + slug(rel.relation) + "-" + slug(s)
		items = append(items, ask(base, id+"-fwd", exam.VariantForward, fmt.Sprintf(rel.forward, s), o, obj.Expand(0)[1:]))
		if rel.reverse != "" && len(subjectsOf[exam.Normalize(o)]) == 1 {
			items = append(items, ask(base, id+"-rev", exam.VariantReverse, fmt.Sprintf(rel.reverse, o), s, subj.Expand(0)[1:]))
		}
	}
	return items
}

// recordPair returns the subject and object categories of r for rel, or
// false when either is missing or empty.
func recordPair(rel quizRelation, r QuizRecord) (Pattern, Pattern, bool) {
	if rel.from >= len(r.Fields) || rel.to >= len(r.Fields) {
		return Pattern{}, Pattern{}, false
	}
	s, o := r.Fields[rel.from], r.Fields[rel.to]
	if s.Canonical() == "" || o.Canonical() == "" {
		return Pattern{}, Pattern{}, false
	}
	return s, o, true
}

// FactID returns the fact id of (subject, relation): the relation and the
// normalised subject joined by "/", spaces as "-": FactID("capital",
// "Chad") is "capital/chad". Builders of every source use it so that the
// same fact gets the same id.
func FactID(relation, subject string) string {
	return slug(relation) + "/" + slug(subject)
}

// slug is Normalize with spaces as "-".
func slug(s string) string {
	return strings.ReplaceAll(exam.Normalize(s), " ", "-")
}

// MergeDuplicates returns items with repeats removed, keeping the first
// item of each ID and of each (normalised question, normalised answer)
// pair, and adding the aliases of dropped repeats to the kept item. The
// order of first occurrences is kept.
func MergeDuplicates(items []exam.Item) []exam.Item {
	byKey := map[string]int{}
	out := make([]exam.Item, 0, len(items))
	for _, it := range items {
		keys := []string{"id\x00" + it.ID, "qa\x00" + exam.Normalize(it.Question) + "\x00" + exam.Normalize(it.Answer.Text)}
		i, seen := -1, false
		for _, k := range keys {
			if j, ok := byKey[k]; ok {
				i, seen = j, true
				break
			}
		}
		if !seen {
			i = len(out)
			out = append(out, it)
			out[i].Aliases = nil
		}
		for _, k := range keys {
			byKey[k] = i
		}
		kept := &out[i]
		for _, a := range append([]string{it.Answer.Text}, it.Aliases...) {
			if !containsAnswer(kept.Golds(), a) {
				kept.Aliases = append(kept.Aliases, a)
			}
		}
	}
	return out
}

// containsAnswer reports whether list holds a, ignoring case. Spellings
// that differ only in punctuation ("Ndjamena") are kept: search and
// decontamination use them even though grading treats them alike.
func containsAnswer(list []string, a string) bool {
	for _, s := range list {
		if strings.EqualFold(s, a) {
			return true
		}
	}
	return false
}

// ask returns a copy of base asking question with answer and aliases, as
// the given variant of base's fact.
func ask(base exam.Item, id, variant, question, answer string, aliases []string) exam.Item {
	it := base
	it.ID, it.Variant, it.Question = id, variant, question
	it.Answer, it.Aliases = exam.OpenAnswer(answer), aliases
	return it
}
