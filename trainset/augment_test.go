package trainset

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/mistake"
)

// Passages shaped as knowledge.ReadWordNet and knowledge.ReadFactbook
// render them (abridged; TestAugmentRealWordNet and
// TestAugmentRealFactbook read the real ones), and a prose one.
var (
	kampalaWN = knowledge.Passage{ID: "wordnet:kampala", Source: "wordnet", Title: "Kampala, capital of Uganda",
		Text: "Kampala, capital of Uganda (noun): the capital and largest city of Uganda; located in southern Uganda on Lake Victoria\n" +
			"Instance of: national capital\nPart of: Uganda, Republic of Uganda"}
	ugandaWN = knowledge.Passage{ID: "wordnet:uganda", Source: "wordnet", Title: "Uganda, Republic of Uganda",
		Text: "Uganda, Republic of Uganda (noun): a landlocked republic in eastern Africa; achieved independence from the United Kingdom in 1962\n" +
			"Instance of: African country, African nation\nPart of: Africa\nMember of: Commonwealth of Nations, Commonwealth\n" +
			"Has part: Kampala, capital of Uganda; Lake Albert, Albert"}
	ugandaFB = knowledge.Passage{ID: "factbook:ug/government/capital/name", Source: "factbook", Title: "Uganda: Government > Capital > name",
		Text: "Uganda, Government > Capital > name: Kampala"}
	chileFB = knowledge.Passage{ID: "factbook:ci/government/capital/name", Source: "factbook", Title: "Chile: Government > Capital > name",
		Text: "Chile, Government > Capital > name: Santiago; note - Valparaiso is the seat of the national legislature"}
	chadProse = knowledge.Passage{ID: "kb-1", Source: "kb", Title: "N'Djamena", Text: "N'Djamena is the capital and largest city of Chad."}
)

func TestAugmentBothOrders(t *testing.T) {
	tests := []struct {
		name     string
		p        knowledge.Passage
		forward  []string // in the forward document
		inverse  []string // in the inverse document
		notInAny []string
	}{
		{"wordnet gloss and relations", kampalaWN,
			[]string{"Kampala is the capital and largest city of Uganda.", "Kampala is located in southern Uganda on Lake Victoria.",
				"Kampala is also called capital of Uganda.", "Kampala is part of Uganda.", "Kampala is an instance of national capital."},
			[]string{"The capital and largest city of Uganda is called Kampala.", "Uganda's capital and largest city is Kampala.",
				"Uganda includes Kampala.", "One national capital is Kampala.", "Capital of Uganda is another name for Kampala."},
			[]string{"Instance of:", "(noun)"}},
		{"wordnet country, has part", ugandaWN,
			[]string{"Uganda includes Kampala.", "Uganda is a member of Commonwealth of Nations.", "Uganda achieved independence from the United Kingdom in 1962."},
			[]string{"Kampala is part of Uganda.", "Africa includes Uganda.", "One African country is Uganda.", "A landlocked republic in eastern Africa is called Uganda."},
			[]string{"Uganda is achieved"}},
		{"factbook field", ugandaFB,
			[]string{"The name of the capital of Uganda is Kampala."},
			[]string{"Kampala is the name of the capital of Uganda."}, []string{"Government >"}},
		{"factbook note", chileFB,
			[]string{"The name of the capital of Chile is Santiago.", "Valparaiso is the seat of the national legislature."},
			[]string{"Santiago is the name of the capital of Chile.", "The seat of the national legislature is Valparaiso."}, []string{"note -"}},
		{"factbook nested field", knowledge.Passage{ID: "factbook:ci/x", Source: "factbook",
			Text: "Chile, People and Society > Dependency ratios > elderly dependency ratio: 20.9 (2025 est.)"},
			[]string{"The elderly dependency ratio of Chile is 20.9 (2025 est.)."},
			[]string{"20.9 (2025 est.) is the elderly dependency ratio of Chile."}, []string{"dependency ratios"}},
		{"wordnet domain label and acronym", knowledge.Passage{ID: "wordnet:flux", Source: "wordnet",
			Text: "flux density, flux (noun): (physics) the number of changes in energy flow across a given surface per unit area\nKind of: density, denseness"},
			[]string{"Flux density is the number of changes in energy flow", "Flux density is a kind of density."},
			[]string{"One kind of density is flux density.", "Flux is another name for flux density."}, []string{"(physics)", "denseness"}},
		{"prose copula", chadProse,
			[]string{"N'Djamena is the capital and largest city of Chad."},
			[]string{"The capital and largest city of Chad is N'Djamena.", "Chad's capital and largest city is N'Djamena."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, dropped := Augment(tt.p, 1, nil)
			if len(dropped) > 0 {
				t.Errorf("dropped %q with no filter", dropped)
			}
			byForm := map[string]string{}
			for _, d := range docs {
				byForm[d.Form] = d.Text
			}
			for form, want := range map[string][]string{FormForward: tt.forward, FormInverse: tt.inverse} {
				for _, s := range want {
					if !strings.Contains(byForm[form], s) {
						t.Errorf("%s document %q lacks %q", form, byForm[form], s)
					}
				}
			}
			for _, d := range docs {
				for _, s := range tt.notInAny {
					if strings.Contains(d.Text, s) {
						t.Errorf("%s document %q has %q", d.Form, d.Text, s)
					}
				}
			}
		})
	}
}

func TestAugmentSeeded(t *testing.T) {
	a, _ := Augment(ugandaWN, 1, nil)
	b, _ := Augment(ugandaWN, 1, nil)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("Augment is not deterministic for a seed:\n%v\n%v", a, b)
	}
	c, _ := Augment(ugandaWN, 2, nil)
	shuffled := func(docs []Augmentation) string {
		for _, d := range docs {
			if d.Form == FormShuffled {
				return d.Text
			}
		}
		return ""
	}
	if shuffled(a) == "" || shuffled(a) == shuffled(c) {
		t.Errorf("shuffled documents of seeds 1 and 2: %q and %q; want two different orders", shuffled(a), shuffled(c))
	}
	if len(a) != 3 || len(c) != 3 || a[0] != c[0] || a[1] != c[1] {
		t.Errorf("seeds change only the shuffled document; got %v and %v", a, c)
	}
}

// TestAugmentDecontaminated: a statement sharing a 13-gram with a suite
// item is left out of every document and reported; the rest stay, and
// Build records the statement in the manifest.
func TestAugmentDecontaminated(t *testing.T) {
	p := knowledge.Passage{ID: "kb-kampala", Source: "kb",
		Text: "Kampala is the capital and largest city of Uganda and lies on the northern shore of Lake Victoria. The capital of Uganda is Kampala."}
	probe := exam.Item{ID: "probe/kampala-lake", Question: "Kampala is the capital and largest city of Uganda and lies on the northern shore of which lake?",
		Answer: exam.OpenAnswer("Lake Victoria")}
	d := curate.NewDecontaminator(0)
	d.AddItems([]exam.Item{probe})
	keep := func(s string) bool { _, hit := d.Match(s); return !hit }
	docs, dropped := Augment(p, 1, keep)
	overlapping := "Kampala is the capital and largest city of Uganda and lies on the northern shore of Lake Victoria."
	if !slices.Contains(dropped, overlapping) {
		t.Errorf("dropped = %q; want %q", dropped, overlapping)
	}
	var all string
	for _, doc := range docs {
		all += doc.Text + "\n"
	}
	if strings.Contains(all, "northern shore") || !strings.Contains(all, "Uganda's capital is Kampala.") {
		t.Errorf("documents %q: want the overlapping statement gone and the others kept", all)
	}
	it := exam.Item{ID: "q/uganda", Question: "Which city is the capital of Uganda?", Answer: exam.OpenAnswer("Kampala")}
	set, man, err := Builder{Decontam: d}.Build(context.Background(), Inputs{Round: 1, Evidence: []Evidence{ev2(p, it)}}, Mix{CPT: 1, Augment: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkManifest(t, set, man)
	if man.Count(KindAugment).Decontaminated != len(dropped) || !slices.ContainsFunc(man.Dropped, func(x Dropped) bool {
		return x.Kind == KindAugment && x.Overlaps == probe.ID && x.Text == overlapping && x.Origin == p.ID
	}) {
		t.Errorf("manifest: augment decontaminated %d, dropped %+v; want the statement with its passage and the probe", man.Count(KindAugment).Decontaminated, man.Dropped)
	}
	if man.Count(KindCPT).Decontaminated != 1 {
		t.Errorf("cpt decontaminated %d; want the passage itself (it quotes the probe)", man.Count(KindCPT).Decontaminated)
	}
}

func ev2(p knowledge.Passage, it exam.Item) Evidence {
	return Evidence{Passage: p, Item: it, Answer: mistake.AnswerText(it)}
}

// TestRelationFreeItem: a multiple-choice item with no subject or
// relation fields (a trivia question and its retrieved passage) gets
// normative questions restated from its question and written from the
// passage, and an extractive example quoting the passage, all answered
// with the answer the passage names; no cloze.
func TestRelationFreeItem(t *testing.T) {
	tests := []struct {
		name      string
		p         knowledge.Passage
		item      exam.Item
		restated  string
		fromText  []string
		extractQ  string
		extractIn string
	}{
		{"reverse, wordnet", ugandaWN,
			exam.Item{ID: "trivia/1", Question: "Which country has Kampala as its capital?", Choices: []string{"Kenya", "Uganda", "Rwanda", "Tanzania"}, Answer: exam.Answer{Index: 1}},
			"Name the country that has Kampala as its capital.",
			[]string{"Which country is a landlocked republic in eastern Africa?", "Kampala is part of which country?"},
			"Name the country that has Kampala as its capital.", "Has part: Kampala, capital of Uganda"},
		{"forward, factbook", ugandaFB,
			exam.Item{ID: "trivia/2", Question: "What is the capital of Uganda?", Choices: []string{"Kampala", "Entebbe", "Jinja", "Gulu"}, Answer: exam.Answer{Index: 0}},
			"The capital of Uganda is what?",
			[]string{"The name of the capital of Uganda is what?"},
			"The capital of Uganda is what?", "Uganda, Government > Capital > name: Kampala"},
		{"wh at the end, wordnet", kampalaWN,
			exam.Item{ID: "trivia/3", Question: "Kampala lies on the shore of which lake?", Choices: []string{"Lake Victoria", "Lake Albert", "Lake Kivu", "Lake Chad"}, Answer: exam.Answer{Index: 0}},
			"Name the lake in question: Kampala lies on the shore of that lake.",
			[]string{"Kampala is located in southern Uganda on which lake?"},
			"Name the lake in question: Kampala lies on the shore of that lake.", "located in southern Uganda on Lake Victoria"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans := mistake.AnswerText(tt.item)
			d := curate.NewDecontaminator(0)
			d.AddItems([]exam.Item{tt.item})
			set, man, err := Builder{Decontam: d}.Build(context.Background(), Inputs{Round: 1, Evidence: []Evidence{ev2(tt.p, tt.item)}}, Mix{Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			checkManifest(t, set, man)
			qas, ext, err := Builder{}.questions(context.Background(), ev2(tt.p, tt.item))
			if err != nil {
				t.Fatal(err)
			}
			written := map[string]bool{}
			for _, qa := range qas {
				written[qa.Question] = qa.Answer == ans
			}
			for _, q := range append([]string{tt.restated}, tt.fromText...) {
				if !written[q] {
					t.Errorf("no question %q answered %q; got %+v", q, ans, qas)
				}
			}
			if qas[ext].Question != tt.extractQ {
				t.Errorf("extractive question %q; want %q", qas[ext].Question, tt.extractQ)
			}
			normative := 0
			var extractive []string
			for _, e := range set.Examples {
				switch e.Kind {
				case KindNormative, KindExtractive:
					if e.Text != " "+ans {
						t.Errorf("%s answers %q; want %q", e.ID, e.Text, " "+ans)
					}
					if strings.Contains(e.Prompt, "Fill in the blank") || strings.Contains(e.Prompt, "____") {
						t.Errorf("%s is a cloze: %q", e.ID, e.Prompt)
					}
					if e.Kind == KindExtractive {
						extractive = append(extractive, e.Prompt)
						continue
					}
					normative++
				}
			}
			if normative == 0 {
				t.Errorf("no normative example in the set")
			}
			if len(extractive) == 0 || !strings.Contains(extractive[0], tt.extractIn) || !strings.Contains(extractive[0], "Question: "+tt.extractQ) ||
				!strings.Contains(extractive[0], ans) {
				t.Errorf("extractive %q; want the passage (%q, naming %q) and the question %q", extractive, tt.extractIn, ans, tt.extractQ)
			}
			for _, p := range man.Provenance {
				if p.Origin != tt.p.ID || p.Item != tt.item.ID || p.Source != tt.p.Source {
					t.Errorf("provenance %+v; want passage %s of item %s", p, tt.p.ID, tt.item.ID)
				}
			}
		})
	}
}

func TestRestateQuestion(t *testing.T) {
	tests := []struct{ q, want string }{
		{"Which city is the capital of Chad?", "Name the city that is the capital of Chad."},
		{"Which country has Kampala as its capital?", "Name the country that has Kampala as its capital."},
		{"Who wrote Hamlet?", "Name the person that wrote Hamlet."},
		{"What is the capital of Chad?", "The capital of Chad is what?"},
		{"What are people from Chad called?", "People from Chad are called what?"},
		{"What is the capital of Chad named?", "The capital of Chad is named what?"},
		{"What is the highest point of Chad?", "The highest point of Chad is what?"},
		{"N'Djamena is the capital of which country?", "Name the country in question: N'Djamena is the capital of that country."},
		{"Which of these is a natural resource of Egypt?", "Name the one of these that is a natural resource of Egypt."},
		{"How long is the Nile?", ""},
	}
	d := curate.NewDecontaminator(0)
	for _, tt := range tests {
		got, ok := RestateQuestion(tt.q)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("RestateQuestion(%q) = %q, %v; want %q", tt.q, got, ok, tt.want)
		}
		d.AddItems([]exam.Item{{ID: tt.q, Question: tt.q, Answer: exam.OpenAnswer("x")}})
		if _, hit := d.Match(got); ok && hit {
			t.Errorf("restatement %q still contains the exam question %q", got, tt.q)
		}
	}
}

func TestLLMParaphraser(t *testing.T) {
	reply := "1. Uganda's capital, Kampala, lies in the south of the country.\n" +
		"- Kampala is found in southern Uganda by Lake Victoria.\n" +
		"- Kampala is found in southern Uganda by Lake Victoria.\n" +
		"Too short.\n" +
		"The weather is often pleasant in the hills.\n"
	got, err := LLMParaphraser{Model: scripted{reply: reply}}.Paraphrase(context.Background(), ev2(kampalaWN, exam.Item{Question: "?", Answer: exam.OpenAnswer("Uganda")}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Uganda's capital, Kampala, lies in the south of the country.", "Kampala is found in southern Uganda by Lake Victoria."}
	if !slices.Equal(got, want) {
		t.Errorf("Paraphrase = %q; want %q", got, want)
	}
	if err := CheckParaphraseTemplate(DefaultParaphraseTemplate); err != nil {
		t.Errorf("built-in template (prompts/paraphrase.tmpl): %v", err)
	}
	if CheckParaphraseTemplate("Entities: {{.Entities}}") == nil {
		t.Errorf("a template without {{.Passage}} passed the check")
	}
	b := Builder{Paraphraser: LLMParaphraser{Model: scripted{reply: reply}}}
	pools, prov, _, _, err := b.pools(context.Background(), Inputs{Evidence: []Evidence{ev2(kampalaWN, exam.Item{ID: "q", Question: "?", Answer: exam.OpenAnswer("Uganda")})}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	llm := 0
	for _, e := range pools[KindAugment] {
		if p := prov[e.ID]; p.Writer == WriterLLM && p.Origin == kampalaWN.ID && slices.Contains(want, e.Text) {
			llm++
		}
	}
	if llm != 2 || len(pools[KindAugment]) != 5 {
		t.Errorf("augment pool %v: want the 3 offline documents and 2 paraphrases by %s from %s", pools[KindAugment], WriterLLM, kampalaWN.ID)
	}
}

// TestAugmentAsksKeepOnce: a statement that recurs (the passage states
// its fact twice) is offered to keep once and, refused, dropped once, so
// the manifest does not record it twice.
func TestAugmentAsksKeepOnce(t *testing.T) {
	p := knowledge.Passage{ID: "kb-twice", Source: "kb",
		Text: "The capital of Uganda is Kampala. The capital of Uganda is Kampala. Kampala lies on Lake Victoria."}
	asked := map[string]int{}
	keep := func(s string) bool { asked[s]++; return !strings.Contains(s, "capital") }
	_, dropped := Augment(p, 1, keep)
	if len(asked) == 0 {
		t.Fatal("keep was never asked")
	}
	for s, n := range asked {
		if n != 1 {
			t.Errorf("keep asked %d times about %q; want once", n, s)
		}
	}
	for i, s := range dropped {
		if slices.Contains(dropped[:i], s) {
			t.Errorf("dropped %q twice (%q)", s, dropped)
		}
	}
	if len(dropped) == 0 {
		t.Errorf("dropped nothing (asked %v); want the capital statements", asked)
	}
}

// TestUngroundedEvidence: a passage that does not state the answer (a
// random-evidence draw) still gives its CPT text and restatements but
// no question answered from the answer key; one that states it through
// an alias does.
func TestUngroundedEvidence(t *testing.T) {
	it := exam.Item{ID: "q", Question: "Kampala is the capital of which country?", Subject: "Kampala", Relation: "capital",
		Answer: exam.OpenAnswer("Uganda"), Aliases: []string{"Republic of Uganda"}}
	elsewhere := knowledge.Passage{ID: "wordnet:lima", Source: "wordnet", Title: "Lima, capital of Peru",
		Text: "Lima, capital of Peru (noun): the capital and largest city of Peru"}
	alias := knowledge.Passage{ID: "notes:1", Source: "notes", Title: "Notes", Text: "The Republic of Uganda lies on Lake Victoria."}
	for _, tc := range []struct {
		name       string
		p          knowledge.Passage
		grounded   bool
		ungrounded int
	}{
		{"answer stated", kampalaWN, true, 0},
		{"alias stated", alias, true, 0},
		{"answer absent", elsewhere, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := ev2(tc.p, it)
			ev.Aliases = it.Aliases
			if got := StatesAnswer(ev); got != tc.grounded {
				t.Fatalf("StatesAnswer = %v; want %v", got, tc.grounded)
			}
			set, man, err := Build(context.Background(), Inputs{Evidence: []Evidence{ev}}, Mix{CPT: 1, Normative: 1, Extractive: 1, Epochs: 1, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, e := range set.Examples {
				kinds[e.Kind]++
			}
			if kinds[KindCPT] == 0 {
				t.Errorf("no CPT example: %v", kinds)
			}
			answered := kinds[KindNormative] + kinds[KindExtractive]
			if tc.grounded && (kinds[KindNormative] == 0 || kinds[KindExtractive] == 0) || !tc.grounded && answered > 0 {
				t.Errorf("kinds %v; want questions only when the passage states the answer", kinds)
			}
			if man.Ungrounded != tc.ungrounded {
				t.Errorf("Manifest.Ungrounded = %d; want %d", man.Ungrounded, tc.ungrounded)
			}
		})
	}
}

// TestAskStatementsDropsFigures: a figure after the answer ("Inyangani
// 2,592 m") is left out of the question, wherever the answer stands; a
// number that is not right after the answer stays.
func TestAskStatementsDropsFigures(t *testing.T) {
	answers := [][]string{{"inyangani"}}
	tests := []struct{ stmt, want string }{
		{"The highest point of Zimbabwe is Inyangani 2,592 m.", "The highest point of Zimbabwe is what?"},
		{"Inyangani 2,592 m is the highest point of Zimbabwe.", "What is the highest point of Zimbabwe?"},
		{"The highest point of Zimbabwe is Inyangani in the Eastern Highlands.", "The highest point of Zimbabwe is what in the Eastern Highlands?"},
		{"In 1980 the highest point of Zimbabwe was named Inyangani.", "In 1980 the highest point of Zimbabwe was named what?"},
		{"Inyangani 2,592 is the highest point of Zimbabwe.", "What is the highest point of Zimbabwe?"},
	}
	for _, tt := range tests {
		first, later := askStatements([]string{tt.stmt}, answers, "what")
		got := append(first, later...)
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("askStatements(%q) = %q; want %q", tt.stmt, got, tt.want)
		}
	}
}
