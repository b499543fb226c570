package trainset

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/mistake"
)

// wordnetCapitals reads the noun synsets of WordNet 3.0 whose gloss says
// "capital", as passages shaped like knowledge.ReadWordNet's, keyed by
// each normalised lemma.
func wordnetCapitals(t *testing.T, path string) map[string][]knowledge.Passage {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]knowledge.Passage{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		data, gloss, ok := strings.Cut(line, " | ")
		if !ok || !strings.Contains(gloss, "capital") {
			continue
		}
		fs := strings.Fields(data)
		n, err := strconv.ParseInt(fs[3], 16, 0)
		if err != nil || len(fs) < 4+2*int(n) {
			continue
		}
		var lemmas []string
		for i := range int(n) {
			lemmas = append(lemmas, strings.ReplaceAll(fs[4+2*i], "_", " "))
		}
		title := strings.Join(lemmas, ", ")
		p := knowledge.Passage{ID: "wordnet:n" + fs[0], Source: "wordnet", Title: title,
			Text: title + " (noun): " + strings.TrimSpace(gloss), License: knowledge.LicenseWordNet}
		for _, l := range lemmas {
			out[curate.Normalize(l)] = append(out[curate.Normalize(l)], p)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWordNetCapitals runs mining output through curation and the
// builder on real data: the bsdgames Africa capitals against WordNet.
func TestWordNetCapitals(t *testing.T) {
	p := demotest.Paths(t)
	byLemma := wordnetCapitals(t, filepath.Join(p.WordNetDir(), "data.noun"))
	quiz, err := os.ReadFile(filepath.Join(p.QuizDir(), "africa"))
	if err != nil {
		t.Fatal(err)
	}
	var items []exam.Item
	var ms []mistake.Mistake
	var cands []curate.Candidate
	for _, line := range strings.Split(string(quiz), "\n") {
		country, capital, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(line, "{[|") || country == capital {
			continue // quiz patterns are the exam package's job; plain lines suffice here
		}
		it := exam.Item{ID: "capital/" + curate.Normalize(country), Question: "What is the capital of " + country + "?",
			Answer: exam.OpenAnswer(capital), Subject: country, Relation: "capital", Object: capital, Topic: "capital"}
		items = append(items, it)
		m := mistake.Mistake{Item: it, Kind: mistake.Wrong, Priority: 1}
		ms = append(ms, m)
		kp := mistake.Points(m, mistake.PointOptions{})[0]
		for _, p := range byLemma[curate.Normalize(capital)] {
			cands = append(cands, curate.Candidate{MistakeID: it.ID, Hit: knowledge.Hit{Passage: p}, Claim: curate.Claim{ItemID: it.ID, Answer: kp.Answer, KeyTerms: kp.KeyTerms}})
		}
	}
	pipe, decon := curate.NewPipeline(curate.Config{}, items)
	rep, err := pipe.Run(context.Background(), cands)
	if err != nil {
		t.Fatal(err)
	}
	supported := map[string]bool{}
	for _, c := range rep.Kept {
		supported[c.Claim.ItemID] = true
	}
	if len(items) < 35 || len(supported) < len(items)*2/3 {
		t.Fatalf("%d of %d capitals have a supporting WordNet passage; want at least two thirds", len(supported), len(items))
	}
	evidence := FromCandidates(rep.Kept, ms)
	set, man, err := Builder{Decontam: decon}.Build(context.Background(), Inputs{Round: 1, Evidence: evidence}, Mix{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkManifest(t, set, man)
	if man.Count(KindNormative).Examples < len(supported) || man.Count(KindCPT).Examples < len(supported) {
		t.Errorf("counts %+v; want at least one CPT and one normative example per supported capital (%d)", man.Kinds, len(supported))
	}
	for _, e := range set.Examples {
		if id, hit := decon.Match(e.Prompt + "\n" + e.Text); hit {
			t.Errorf("example %s overlaps exam item %s", e.ID, id)
		}
	}
	for _, ev := range evidence {
		if len(PassageQuestions(ev)) == 0 {
			t.Errorf("no question from supporting passage %s for %s", ev.Passage.ID, ev.Item.ID)
		}
	}
}

// TestAugmentRealWordNet restates real WordNet synsets, as
// knowledge.ReadWordNet renders them, in both entity orders.
func TestAugmentRealWordNet(t *testing.T) {
	wn, err := knowledge.ReadWordNet(context.Background(), demotest.Paths(t).WordNetDir())
	if err != nil {
		t.Fatal(err)
	}
	checkBothOrders(t, wn.Passages, []restated{
		{"Kampala, capital of Uganda", "Kampala is part of Buganda.", "Buganda includes Kampala."},
		{"Kampala, capital of Uganda", "Kampala is the capital and largest city of Uganda on the north shore of Lake Victoria.", "Uganda's capital and largest city is Kampala."},
		{"Kampala, capital of Uganda", "Kampala is also called capital of Uganda.", "Capital of Uganda is another name for Kampala."},
		{"Uganda, Republic of Uganda", "Uganda includes Entebbe.", "Entebbe is part of Uganda."},
		{"Uganda, Republic of Uganda", "Uganda is a landlocked republic in eastern Africa.", "A landlocked republic in eastern Africa is called Uganda."},
		{"Reykjavik, capital of Iceland", "Reykjavik is part of Iceland.", "Iceland includes Reykjavik."},
	})
}

// TestAugmentRealFactbook restates real Factbook fields, as
// knowledge.ReadFactbook renders them, in both entity orders.
func TestAugmentRealFactbook(t *testing.T) {
	fb, err := knowledge.ReadFactbook(context.Background(), demotest.Factbook(t))
	if err != nil {
		t.Fatal(err)
	}
	checkBothOrders(t, fb.Passages, []restated{
		{"Uganda: Government > Capital > name", "The name of the capital of Uganda is Kampala.", "Kampala is the name of the capital of Uganda."},
		{"Chile: Government > Capital > name", "The name of the capital of Chile is Santiago.", "Santiago is the name of the capital of Chile."},
	})
}

// restated is a fact of the passage titled title, head first and the
// other entity first.
type restated struct{ title, forward, inverse string }

func checkBothOrders(t *testing.T, passages []knowledge.Passage, tests []restated) {
	t.Helper()
	byTitle := map[string]knowledge.Passage{}
	for _, p := range passages {
		byTitle[p.Title] = p
	}
	for _, tt := range tests {
		p, ok := byTitle[tt.title]
		if !ok {
			t.Errorf("no passage titled %q", tt.title)
			continue
		}
		docs, _ := Augment(p, 1, nil)
		texts := map[string]string{}
		for _, d := range docs {
			texts[d.Form] = d.Text
		}
		if !strings.Contains(texts[FormForward], tt.forward) || !strings.Contains(texts[FormInverse], tt.inverse) {
			t.Errorf("%s (%q): forward %q, inverse %q; want %q and %q", p.ID, p.Text, texts[FormForward], texts[FormInverse], tt.forward, tt.inverse)
		}
	}
}
