package suitebuild

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
)

func TestPattern(t *testing.T) {
	tests := []struct {
		raw       string
		canonical string
		expand    []string // expected to be contained, in this order
	}{
		{"cap{ital}", "capital", []string{"capital", "cap"}},
		{"Hooke's law|Hookes law", "Hooke's law", []string{"Hooke's law", "Hookes law"}},
		{"Periodic{ Tab{le}}", "Periodic Table", []string{"Periodic Table", "Periodic Tab", "Periodic"}},
		{"Montr['e|e'|e]al", "Montréal", []string{"Montréal", "Montr'eal", "Montre'al", "Montreal"}},
		{"Cr[^\be|e\b^|e]pe au beurre", "Crêpe au beurre", []string{"Crêpe au beurre", "Crepe au beurre"}},
		{"S[o|o/|/o]ren", "Søren", []string{"Søren", "Soren"}},
		{"Gar[z|,\bc|c\b,|c]on", "Garzon", []string{"Garzon", "Garçon", "Garcon"}},
		{"{M{ichael} }Faraday", "Michael Faraday", []string{"Michael Faraday", "M Faraday", "Faraday"}},
		{`a\:b\|c`, "a:b|c", []string{"a:b|c"}},
		{"S[outh{-}East|E]", "South-East", []string{"South-East", "SouthEast", "SE"}},
		// A multi-byte mark (the degree sign as a ring) is composed, never cut.
		{"[°\bA|A\b°|A]land Islands", "Åland Islands", []string{"Åland Islands", "Aland Islands"}},
		{"x°\bq", "xq", []string{"xq"}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			p, err := ParsePattern(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Canonical(); got != tt.canonical {
				t.Errorf("Canonical() = %q; want %q", got, tt.canonical)
			}
			got := p.Expand(0)
			for _, s := range append(got, p.Canonical()) {
				if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
					t.Errorf("form %q is not clean UTF-8", s)
				}
			}
			last := -1
			for _, w := range tt.expand {
				i := slices.Index(got, w)
				if i <= last {
					t.Errorf("Expand() = %q; want %q after position %d", got, w, last)
				}
				last = i
			}
		})
	}
	for _, bad := range []string{"{a", "a]", "[a|b", "x{y[z}]"} {
		if _, err := ParsePattern(bad); err == nil {
			t.Errorf("ParsePattern(%q) succeeded; want an error", bad)
		}
	}
}

func TestParseQuiz(t *testing.T) {
	in := "Iron:Fe|ferrum\n\n{J{ames} C{lerk} }Maxwell:1831-{18}79:{the }field equations:\\\n{M{ichael} }Faraday\nbad:{x\n"
	_, err := ParseQuiz(strings.NewReader(in), "pres")
	if err == nil || !strings.HasPrefix(err.Error(), "pres:5: ") {
		t.Fatalf("error = %v; want it at pres:5", err)
	}
	recs, err := ParseQuiz(strings.NewReader(in[:strings.LastIndex(in, "bad")]), "pres")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1].Line != 3 || len(recs[1].Fields) != 4 {
		t.Fatalf("records = %+v; want 2, the second at line 3 with 4 fields", recs)
	}
	if got := recs[1].Fields[3].Canonical(); got != "Michael Faraday" {
		t.Errorf("continued field = %q; want Michael Faraday", got)
	}
}

func TestParseQuizRejectsBadUTF8(t *testing.T) {
	// "Åland" in Latin-1: the byte C5 alone is not UTF-8.
	in := "Finland:Helsinki\n\xc5land Islands:Mariehamn\n"
	if _, err := ParseQuiz(strings.NewReader(in), "europe"); err == nil || !strings.HasPrefix(err.Error(), "europe:2: invalid UTF-8 at byte 1") {
		t.Errorf("ParseQuiz(Latin-1) error = %v; want europe:2: invalid UTF-8 at byte 1", err)
	}
	if _, err := ParseOpenTrivia(strings.NewReader("#Q Where is \xc5land?\n^ Finland\nA Finland\nB Chad\n"), "geo", "f", "t"); err == nil || !strings.HasPrefix(err.Error(), "geo:1: invalid UTF-8") {
		t.Errorf("ParseOpenTrivia(Latin-1) error = %v; want geo:1: invalid UTF-8", err)
	}
}

func TestParseQuizIndex(t *testing.T) {
	f, err := os.Open("testdata/quiz_index_snippet.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	subs, err := ParseQuizIndex(f, "index")
	if err != nil {
		t.Fatal(err)
	}
	if subs[0].Name != "europe" || len(subs[0].Categories) != 2 || subs[0].Categories[1].Canonical() != "capital" {
		t.Errorf("first subject = %+v; want europe with Europe{an}:cap{ital}", subs[0])
	}
	if _, err := ParseQuizIndex(strings.NewReader("/x/only\n"), "index"); err == nil || !strings.Contains(err.Error(), "index:1:") {
		t.Errorf("index without categories: error = %v; want index:1: ...", err)
	}
}

// quizDir returns the real quiz folder (see demotest.Paths).
func quizDir(t *testing.T) string {
	t.Helper()
	return demotest.Paths(t).QuizDir()
}

func TestQuizItemsReal(t *testing.T) {
	items, err := QuizItems(quizDir(t))
	if err != nil {
		t.Fatal(err)
	}
	capitals, withAliases := 0, 0
	ids := map[string]bool{}
	byID := map[string]exam.Item{}
	for _, it := range items {
		if ids[it.ID] {
			t.Fatalf("duplicate id %s", it.ID)
		}
		ids[it.ID] = true
		byID[it.ID] = it
		if err := it.Validate(); err != nil {
			t.Fatal(err)
		}
		if it.Topic == "capital" {
			capitals++
			if len(it.Aliases) > 0 {
				withAliases++
			}
		}
	}
	if capitals < 200 || withAliases < 50 {
		t.Errorf("capital items = %d (%d with aliases); want >= 200 (>= 50)", capitals, withAliases)
	}
	tests := []struct {
		id, question, answer string
		aliases              []string
	}{
		{"quiz-capital-chad-fwd", "What is the capital of Chad?", "N'Djamena", []string{"Ndjamena"}},
		{"quiz-capital-chad-rev", "N'Djamena is the capital of which country?", "Chad", nil},
		{"quiz-capital-cameroon-fwd", "What is the capital of Cameroon?", "Yaoundé", []string{"Yaounde"}},
		{"quiz-capital-denmark-fwd", "What is the capital of Denmark?", "Copenhagen", []string{"København", "Kobenhavn"}},
		{"quiz-capital-united-states-rev", "Washington DC is the capital of which country?", "United States", []string{"US", "USA"}},
		{"quiz-successor-george-washington-fwd", "Who succeeded George Washington as President of the United States?", "John Adams", []string{"Adams"}},
	}
	for _, tt := range tests {
		it, ok := byID[tt.id]
		if !ok {
			t.Errorf("item %s missing", tt.id)
			continue
		}
		if it.Question != tt.question || it.Answer.Text != tt.answer {
			t.Errorf("%s = %q -> %q; want %q -> %q", tt.id, it.Question, it.Answer.Text, tt.question, tt.answer)
		}
		for _, a := range tt.aliases {
			if !slices.Contains(it.Aliases, a) {
				t.Errorf("%s aliases = %q; want %q among them", tt.id, it.Aliases, a)
			}
		}
	}
	// Egypt is in both africa and asia: one fact, one forward item.
	fwd, rev := byID["quiz-capital-egypt-fwd"], byID["quiz-capital-egypt-rev"]
	if fwd.Fact != "capital/egypt" || rev.Fact != fwd.Fact || fwd.Subject != "Egypt" || fwd.Object != "Cairo" {
		t.Errorf("Egypt items = %+v / %+v; want one fact capital/egypt", fwd, rev)
	}
	// "herd" is the collective of buffaloes and of elephants: no reverse
	// question; "pride" names lions only.
	if _, ok := byID["quiz-collective-noun-elephants-rev"]; ok {
		t.Error("ambiguous reverse question quiz-collective-noun-elephants-rev was made")
	}
	if it := byID["quiz-collective-noun-lions-rev"]; it.Question != "A pride is a group of what?" || it.Answer.Text != "lions" {
		t.Errorf("lions reverse = %q -> %q; want A pride is a group of what? -> lions", it.Question, it.Answer.Text)
	}
}
