package suitebuild

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/corpus/wordnet"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
)

var (
	wnOnce  sync.Once
	wnItems []exam.Item
	wnErr   error
)

// realWordNetItems builds the WordNet items once, skipping when WordNet
// is absent.
func realWordNetItems(t *testing.T) []exam.Item {
	t.Helper()
	p := demotest.Paths(t)
	wnOnce.Do(func() {
		var db *wordnet.DB
		if db, wnErr = wordnet.Open(p.WordNetDir()); wnErr == nil {
			wnItems = WordNetItems(db)
		}
	})
	if wnErr != nil {
		t.Fatal(wnErr)
	}
	return wnItems
}

func TestWordNetItemsReal(t *testing.T) {
	items := realWordNetItems(t)
	if len(items) < 5000 {
		t.Errorf("WordNet items = %d; want >= 5000", len(items))
	}
	byID := map[string]exam.Item{}
	for _, it := range items {
		if _, dup := byID[it.ID]; dup {
			t.Fatalf("duplicate id %s", it.ID)
		}
		byID[it.ID] = it
		if err := it.Validate(); err != nil {
			t.Fatal(err)
		}
		if it.Variant == exam.VariantForward && strings.HasPrefix(it.ID, "wordnet-n") {
			// The question never contains the answer.
			if strings.Contains(" "+exam.Normalize(it.Question)+" ", " "+exam.Normalize(it.Answer.Text)+" ") {
				t.Errorf("%s: question %q gives away %q", it.ID, it.Question, it.Answer.Text)
			}
		}
	}
	curie := byID["wordnet-n10917703-fwd"]
	if curie.Answer.Text != "Marie Curie" || !slices.Contains(curie.Aliases, "Madame Curie") ||
		!strings.HasPrefix(curie.Question, "Who was the French chemist (born in Poland)") || curie.Topic != "person" {
		t.Errorf("Curie item = %+v; want a person question answered Marie Curie", curie)
	}
	rev := byID["wordnet-n10917703-rev"]
	if rev.Question != "What kind of person was Marie Curie?" || rev.Answer.Text != "chemist" || rev.Fact != curie.Fact {
		t.Errorf("Curie reverse = %+v; want the class question answered chemist, same fact", rev)
	}
	cap := byID["wordnet-capital-chad-fwd"]
	if cap.Answer.Text != "N'Djamena" || cap.Fact != "capital/chad" || !slices.Contains(cap.Aliases, "Fort-Lamy") {
		t.Errorf("WordNet capital of Chad = %+v; want N'Djamena with fact capital/chad", cap)
	}
}

func TestFactbookItemsReal(t *testing.T) {
	cs, err := factbook.Open(demotest.Factbook(t))
	if err != nil {
		t.Fatal(err)
	}
	items := FactbookItems(cs)
	if len(items) < 1500 {
		t.Errorf("Factbook items = %d; want >= 1500", len(items))
	}
	byID := map[string]exam.Item{}
	topics := map[string]int{}
	for _, it := range items {
		byID[it.ID] = it
		topics[it.Topic]++
		if err := it.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ id, question, answer string }{
		{"factbook-capital-cd-fwd", "What is the capital of Chad?", "N'Djamena"},
		{"factbook-capital-cd-rev", "N'Djamena is the capital of which country?", "Chad"},
		{"factbook-highest-point-cd-fwd", "What is the highest point of Chad?", "Emi Koussi"},
		{"factbook-internet-code-cd-fwd", "What is the internet country code of Chad?", ".td"},
		{"factbook-independence-cd-fwd", "In what year did Chad become independent?", "1960"},
		{"factbook-official-language-cd-fwd", "What is an official language of Chad?", "French"},
		{"factbook-nationality-cd-fwd", "What adjective describes people and things from Chad?", "Chadian"},
	}
	for _, tt := range tests {
		it := byID[tt.id]
		if it.Question != tt.question || it.Answer.Text != tt.answer || it.Subject != "Chad" {
			t.Errorf("%s = %q -> %q; want %q -> %q", tt.id, it.Question, it.Answer.Text, tt.question, tt.answer)
		}
	}
	for _, topic := range []string{"capital", "currency", "independence", "internet-code", "nationality", "highest-point", "government-type", "official-language"} {
		if topics[topic] < 100 {
			t.Errorf("topic %s has %d items; want >= 100", topic, topics[topic])
		}
	}
}

// TestBuiltSuitesCleanText builds suites from every source of the real
// data, as `cem suite build` and the demo do, and checks that no text was
// decoded wrongly: every suite file is valid UTF-8 without U+FFFD, and the
// quiz's overstruck "Åland Islands" came through.
func TestBuiltSuitesCleanText(t *testing.T) {
	p := demotest.Paths(t)
	suites, err := BuildSuites(BuildOptions{
		Sources: []string{SourceQuiz, SourceWordNet, SourceFactbook},
		QuizDir: p.QuizDir(), WordNetDir: p.WordNetDir(), FactbookDir: demotest.Factbook(t),
		MC: 4, KeepOpen: true, Seed: 1,
		Split: []SplitPart{{Name: "exam", Fraction: 0.5}, {Name: "heldout", Fraction: 0.5}},
	})
	if err != nil {
		t.Fatal(err)
	}
	aland := false
	for name, items := range suites {
		if len(items) == 0 {
			t.Errorf("suite %s is empty", name)
		}
		for _, it := range items {
			b, err := json.Marshal(it)
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.Valid(b) || strings.Contains(string(b), "\ufffd") || strings.ContainsRune(string(b), utf8.RuneError) {
				t.Errorf("suite %s: item %s has broken text: %s", name, it.ID, b)
			}
			aland = aland || it.Subject == "Åland Islands" || it.Answer.Text == "Åland Islands"
		}
	}
	if !aland {
		t.Error(`no item is about "Åland Islands" (europe quiz, written [°\bA|A\b°|A]land Islands)`)
	}
}

// sampleItems is a small open suite with two topics and fact variants.
func sampleItems() []exam.Item {
	var items []exam.Item
	caps := [][2]string{{"Chad", "N'Djamena"}, {"Mali", "Bamako"}, {"Niger", "Niamey"}, {"Peru", "Lima"},
		{"Chile", "Santiago"}, {"France", "Paris"}, {"Spain", "Madrid"}, {"Italy", "Rome"}, {"Japan", "Tokyo"}, {"Iran", "Tehran"}}
	for _, c := range caps {
		fact := FactID("capital", c[0])
		items = append(items,
			exam.Item{ID: "fwd-" + c[0], Question: "What is the capital of " + c[0] + "?", Answer: exam.OpenAnswer(c[1]), Topic: "capital", Fact: fact, Relation: "capital", Variant: exam.VariantForward},
			exam.Item{ID: "rev-" + c[0], Question: c[1] + " is the capital of which country?", Answer: exam.OpenAnswer(c[0]), Topic: "capital", Fact: fact, Relation: "capital", Variant: exam.VariantReverse})
	}
	for _, e := range [][2]string{{"Gold", "Au"}, {"Iron", "Fe"}, {"Neon", "Ne"}, {"Tin", "Sn"}} {
		items = append(items, exam.Item{ID: "el-" + e[0], Question: "Symbol of " + e[0] + "?", Answer: exam.OpenAnswer(e[1]), Aliases: []string{strings.ToLower(e[1])},
			Topic: "element", Fact: FactID("symbol", e[0]), Relation: "symbol", Variant: exam.VariantForward})
	}
	return items
}

func TestMultipleChoice(t *testing.T) {
	items := sampleItems()
	items[0].Aliases = []string{"Bamako"} // pretend Bamako is also right for Chad
	mc := MultipleChoice(items, 4, 7)
	if len(mc) != len(items) {
		t.Fatalf("MultipleChoice made %d items; want %d", len(mc), len(items))
	}
	again := MultipleChoice(items, 4, 7)
	if !slices.EqualFunc(mc, again, func(a, b exam.Item) bool { return slices.Equal(a.Choices, b.Choices) }) {
		t.Error("MultipleChoice is not deterministic for a seed")
	}
	other := MultipleChoice(items, 4, 8)
	if slices.EqualFunc(mc, other, func(a, b exam.Item) bool { return slices.Equal(a.Choices, b.Choices) }) {
		t.Error("MultipleChoice ignores the seed")
	}
	positions := map[int]bool{}
	for i, it := range mc {
		src := items[i]
		if err := it.Validate(); err != nil {
			t.Fatal(err)
		}
		if it.ID != src.ID+"-mc4" || it.Fact != src.Fact || len(it.Choices) != 4 || it.Choices[it.Answer.Index] != src.Answer.Text {
			t.Errorf("mc item %+v does not carry %s's answer", it, src.ID)
		}
		positions[it.Answer.Index] = true
		seen := map[string]bool{}
		for j, c := range it.Choices {
			n := exam.Normalize(c)
			if seen[n] {
				t.Errorf("%s: choice %q repeated", it.ID, c)
			}
			seen[n] = true
			if j != it.Answer.Index && slices.ContainsFunc(src.Golds(), func(g string) bool { return sameAnswer(g, c) }) {
				t.Errorf("%s: distractor %q is a gold answer", it.ID, c)
			}
			// Distractors come from the same relation and variant.
			if src.Variant == exam.VariantReverse && !slices.ContainsFunc(items, func(o exam.Item) bool { return o.Variant == exam.VariantReverse && o.Answer.Text == c }) {
				t.Errorf("%s: distractor %q is not a country", it.ID, c)
			}
		}
	}
	if len(positions) < 3 {
		t.Errorf("gold positions used = %v; want them spread", positions)
	}
	if got := MultipleChoice(items, 5, 1); len(got) != 20 {
		t.Errorf("with 5 choices %d items; want 20 (the 4 elements lack distractors)", len(got))
	}
}

func TestSplitByFact(t *testing.T) {
	items := sampleItems()
	parts := []SplitPart{{"exam", 0.8}, {"heldout", 0.2}}
	got := SplitByFact(items, parts, 3)
	if n := len(got["exam"]) + len(got["heldout"]); n != len(items) {
		t.Fatalf("split keeps %d of %d items", n, len(items))
	}
	where := map[string]string{}
	facts := map[string]map[string]bool{"exam": {}, "heldout": {}}
	for name, its := range got {
		for _, it := range its {
			if w, ok := where[it.Fact]; ok && w != name {
				t.Errorf("fact %s is in %s and %s", it.Fact, w, name)
			}
			where[it.Fact] = name
			facts[name][it.Topic+"/"+it.Fact] = true
		}
	}
	// 10 capital facts -> 8 + 2; 4 element facts -> 3.2 + 0.8 -> 3 + 1.
	count := func(name, topic string) int {
		n := 0
		for k := range facts[name] {
			if strings.HasPrefix(k, topic+"/") {
				n++
			}
		}
		return n
	}
	if count("exam", "capital") != 8 || count("heldout", "capital") != 2 || count("exam", "element") != 3 || count("heldout", "element") != 1 {
		t.Errorf("facts per split = exam %d+%d, heldout %d+%d; want 8+3, 2+1",
			count("exam", "capital"), count("exam", "element"), count("heldout", "capital"), count("heldout", "element"))
	}
	rev := slices.Clone(items)
	slices.Reverse(rev)
	again := SplitByFact(rev, parts, 3)
	for _, it := range again["heldout"] {
		if where[it.Fact] != "heldout" {
			t.Errorf("input order changed the split: %s", it.Fact)
		}
	}
	if _, err := ParseSplit("exam=0.8,heldout=0.3"); err == nil {
		t.Error("ParseSplit accepted fractions summing to 1.1")
	}
	if p, v, err := ParseSplitSpec("exam=forward,heldout=reverse"); err != nil || p != nil || v != [2]string{"exam", "heldout"} {
		t.Errorf("ParseSplitSpec variant = %v %v %v", p, v, err)
	}
}

func TestSplitByVariant(t *testing.T) {
	got := SplitByVariant(sampleItems(), "exam", "heldout")
	if len(got["exam"]) != 14 || len(got["heldout"]) != 10 {
		t.Fatalf("variant split = %d / %d; want 14 / 10", len(got["exam"]), len(got["heldout"]))
	}
	for _, it := range got["heldout"] {
		if it.Variant != exam.VariantReverse {
			t.Errorf("heldout holds %s (%s)", it.ID, it.Variant)
		}
	}
}

func TestMergeDuplicates(t *testing.T) {
	items := []exam.Item{
		{ID: "quiz-x", Question: "What is the capital of Chad?", Answer: exam.OpenAnswer("N'Djamena"), Aliases: []string{"Ndjamena"}},
		{ID: "wn-x", Question: "what is the capital of chad", Answer: exam.OpenAnswer("N'Djamena"), Aliases: []string{"Fort-Lamy", "ndjamena"}},
		{ID: "quiz-x", Question: "What is the capital of Chad?", Answer: exam.OpenAnswer("N'Djamena")},
		{ID: "other", Question: "What is the capital of Mali?", Answer: exam.OpenAnswer("Bamako")},
	}
	got := MergeDuplicates(items)
	if len(got) != 2 || got[0].ID != "quiz-x" || !slices.Equal(got[0].Aliases, []string{"Ndjamena", "Fort-Lamy"}) {
		t.Errorf("MergeDuplicates = %+v; want quiz-x with merged aliases, then other", got)
	}
}

func TestBuildSuitesReal(t *testing.T) {
	dir := quizDir(t)
	suites, err := BuildSuites(BuildOptions{Sources: []string{SourceQuiz}, QuizDir: dir, MC: 4,
		Variants: [2]string{"exam", "heldout"}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ex, ho := suites["exam"], suites["heldout"]
	if len(ex) < 500 || len(ho) < 300 {
		t.Fatalf("suites = %d exam, %d heldout; want hundreds each", len(ex), len(ho))
	}
	examFacts := map[string]bool{}
	for _, it := range ex {
		examFacts[it.Fact] = true
	}
	paired := 0
	for _, it := range ho {
		if it.Variant != exam.VariantReverse || !it.IsMultipleChoice() {
			t.Fatalf("heldout item %+v; want multiple-choice reverse questions", it)
		}
		if examFacts[it.Fact] {
			paired++
		}
	}
	if paired != len(ho) {
		t.Errorf("%d of %d heldout items ask about a fact of the exam; want all", paired, len(ho))
	}
	rows := exam.Stats([]*exam.Suite{{Name: "exam", Items: ex}, {Name: "heldout", Items: ho}})
	last := rows[len(rows)-1]
	if last.Suite != "heldout" || last.Topic != "(all)" || last.Items != len(ho) || last.Other != len(ho) {
		t.Errorf("last stats row = %+v; want heldout totals", last)
	}
	if _, err := BuildSuites(BuildOptions{Sources: []string{"web"}}); err == nil {
		t.Error("unknown source accepted")
	}
}

func TestMultipleChoicePools(t *testing.T) {
	items := sampleItems()
	var states []string
	for _, s := range [][2]string{{"Iowa", "Des Moines"}, {"Ohio", "Columbus"}, {"Utah", "Salt Lake City"}, {"Texas", "Austin"}} {
		states = append(states, s[0])
		items = append(items, exam.Item{ID: "rev-" + s[0], Question: s[1] + " is the capital of which U.S. state?", Answer: exam.OpenAnswer(s[0]),
			Topic: "capital", Fact: FactID("capital", s[0]), Subject: s[0], Object: s[1], Relation: "capital", Variant: exam.VariantReverse})
	}
	for i := range items { // sampleItems leaves Subject and Object empty
		if strings.HasPrefix(items[i].ID, "rev-") && items[i].Object == "" {
			items[i].Subject = items[i].Answer.Text
			items[i].Object, _, _ = strings.Cut(items[i].Question, " is the capital")
		}
	}
	for _, it := range MultipleChoice(items, 4, 1) {
		if !strings.HasPrefix(it.ID, "rev-") {
			continue
		}
		isState := slices.Contains(states, it.Answer.Text)
		for _, c := range it.Choices {
			if slices.Contains(states, c) != isState {
				t.Errorf("%s: choices %q mix states and countries", it.ID, it.Choices)
				break
			}
		}
	}
}
