package curate

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
)

func cand(id, source, text string, claim Claim) Candidate {
	return Candidate{MistakeID: claim.ItemID, Hit: knowledge.Hit{Passage: knowledge.Passage{ID: id, Source: source, Text: text, License: "WordNet-3.0"}}, Claim: claim}
}

var chad = Claim{ItemID: "q-chad", Answer: "N'Djamena", Aliases: []string{"Ndjamena"}, KeyTerms: []string{"Chad", "capital"}}

// ids returns the passage ids of cs.
func ids(cs []Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Passage.ID)
	}
	return out
}

// checkResult compares a filter result's kept ids and rejected ids.
func checkResult(t *testing.T, res Result, kept, rejected []string) {
	t.Helper()
	if got := ids(res.Kept); !slices.Equal(got, kept) {
		t.Errorf("kept = %v; want %v", got, kept)
	}
	var got []string
	for _, r := range res.Rejects {
		got = append(got, r.PassageID)
		if r.Reason == "" || r.Filter == "" {
			t.Errorf("reject %+v has no reason or filter", r)
		}
	}
	if !slices.Equal(got, rejected) {
		t.Errorf("rejected = %v; want %v", got, rejected)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"N'Djamena", "ndjamena"},
		{"  Yaoundé, Cameroon!  ", "yaounde cameroon"},
		{"Guinea-Bissau", "guinea bissau"},
		{"São Tomé and Príncipe", "sao tome and principe"},
		{"Straße", "strasse"},
		{"Bogota\u0301", "bogota"},
		{"București", "bucuresti"}, // comma-below ș: was left unfolded
		{"N‘Djamena", "ndjamena"},
		{"U.S. Virgin Islands", "u s virgin islands"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecontaminator(t *testing.T) {
	items := []exam.Item{
		{ID: "short", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}},
		{ID: "tiny", Question: "Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}},
		{ID: "long", Question: "Which element, discovered by Marie and Pierre Curie in 1898 and named after her homeland, has symbol Po?",
			Choices: []string{"Radium", "Polonium"}, Answer: exam.Answer{Index: 1}},
	}
	d := NewDecontaminator(0)
	d.AddItems(items)
	if d.Skipped != 1 {
		t.Errorf("Skipped = %d; want 1 (the two-word question)", d.Skipped)
	}
	tests := []struct {
		name, text, id string
	}{
		{"short question contained", "Quiz: what is the CAPITAL of Chad? Answer: N'Djamena", "short"},
		{"paraphrase passes", "Which city is the capital of Chad?", ""},
		{"passage naming the subject passes", "Chad: a landlocked republic; capital N'Djamena", ""},
		{"13-gram of question and answer", "discovered by marie and pierre curie in 1898 and named after her homeland has symbol po polonium", "long"},
		{"12 words are not enough", "discovered by Marie and Pierre Curie in 1898 and named after her", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, ok := d.Match(tt.text)
			if id != tt.id || ok != (tt.id != "") {
				t.Errorf("Match(%q) = %q, %v; want %q", tt.text, id, ok, tt.id)
			}
		})
	}
	res, err := d.Apply(context.Background(), []Candidate{
		cand("p1", "x", "what is the capital of chad", chad),
		cand("p2", "x", "Chad, capital N'Djamena", chad),
	})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, []string{"p2"}, []string{"p1"})
	if !strings.Contains(res.Rejects[0].Reason, "short") {
		t.Errorf("reason = %q; want it to name item short", res.Rejects[0].Reason)
	}
}

func TestSupport(t *testing.T) {
	in := []Candidate{
		cand("both", "wordnet", "Chad: a landlocked republic in north central Africa; capital N'Djamena", chad),
		cand("alias", "gcide", "Ndjamena, the capitals' city of the republic of Chad", chad),
		cand("answer-only", "gcide", "N'Djamena is a city on the Chari river", chad),
		cand("terms-only", "wordnet", "Chad has its capital in the south", chad),
		cand("no-key-terms", "wordnet", "Ndjamena", Claim{ItemID: "x", Answer: "N'Djamena"}),
		cand("no-answer", "wordnet", "anything", Claim{ItemID: "y"}),
	}
	res, _ := Support{}.Apply(context.Background(), in)
	checkResult(t, res, []string{"both", "alias", "no-key-terms"}, []string{"answer-only", "terms-only", "no-answer"})
}

func TestDedupe(t *testing.T) {
	base := "Chad is a landlocked republic in north central Africa with its capital at N'Djamena on the Chari river"
	in := []Candidate{
		cand("a", "wordnet", base, chad),
		cand("b", "gcide", base+" today", chad),
		cand("c", "factbook", "Chad borders Libya, Sudan, the Central African Republic, Cameroon, Nigeria and Niger", chad),
		cand("a", "wordnet", base, chad),
		cand("d", "wordnet", base, Claim{ItemID: "other", Answer: "Chad"}),
	}
	for _, seed := range []int64{1, 2} {
		res, _ := Dedupe{Seed: seed}.Apply(context.Background(), in)
		checkResult(t, res, []string{"a", "c", "d"}, []string{"b", "a"})
	}
	res, _ := Dedupe{Global: true}.Apply(context.Background(), in)
	checkResult(t, res, []string{"a", "c"}, []string{"b", "a", "d"})
}

func TestAgreement(t *testing.T) {
	single := Claim{ItemID: "q-niger", Answer: "Niamey", KeyTerms: []string{"Niger"}}
	in := []Candidate{
		cand("n1", "wordnet", "Niger: capital Niamey", single),
		cand("c1", "wordnet", "Chad: capital N'Djamena", chad),
		cand("c2", "gcide", "Ndjamena, capital of Chad", chad),
		cand("c3", "gcide", "Chad, a republic", chad),
	}
	res, _ := Agreement{}.Apply(context.Background(), in)
	checkResult(t, res, []string{"c1", "c2", "c3", "n1"}, nil)
	if got := res.Kept[0].Sources; !slices.Equal(got, []string{"gcide", "wordnet"}) {
		t.Errorf("Sources = %v; want [gcide wordnet]", got)
	}
	res, _ = Agreement{MinSources: 2}.Apply(context.Background(), in)
	checkResult(t, res, []string{"c1", "c2", "c3"}, []string{"n1"})
	res, _ = Agreement{MinSources: 2, Groups: map[string]string{"gcide": "wordnet"}}.Apply(context.Background(), in)
	checkResult(t, res, nil, []string{"n1", "c1", "c2", "c3"})
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"email", "write to jane.doe+cem@example.co.uk today", "write to [EMAIL] today"},
		{"phone nanp", "call 555-867-5309 or (212) 555-1234", "call [PHONE] or [PHONE]"},
		{"phone international", "tel: +44 20 7946 0958.", "tel: [PHONE]."},
		{"ipv4", "host 192.168.0.1 answered", "host [IP] answered"},
		{"card with spaces", "card 4111 1111 1111 1111 expired", "card [CARD] expired"},
		{"card contiguous", "pan 5500005555555559", "pan [CARD]"},
		{"ssn", "SSN 078-05-1120", "SSN [SSN]"},
		{"luhn-invalid digits kept", "id 4111 1111 1111 1112", "id 4111 1111 1111 1112"},
		{"years kept", "from 1939 to 1945, and 1914-1918", "from 1939 to 1945, and 1914-1918"},
		{"isbn-10 kept", "ISBN 0-306-40615-2", "ISBN 0-306-40615-2"},
		{"isbn-13 kept", "ISBN 978-0-306-40615-7 or 9780306406157", "ISBN 978-0-306-40615-7 or 9780306406157"},
		{"version with five parts kept", "release 1.2.3.4.5", "release 1.2.3.4.5"},
		{"bad octet kept", "value 300.1.1.1", "value 300.1.1.1"},
		{"population kept", "population 12,345,678 (2021)", "population 12,345,678 (2021)"},
		{"atomic weight kept", "atomic weight 208.9824", "atomic weight 208.9824"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
	in := []Candidate{cand("p", "x", "mail a@b.org or c@d.org", chad), cand("q", "x", "clean", chad)}
	res, _ := Redactor{}.Apply(context.Background(), in)
	checkResult(t, res, []string{"p", "q"}, nil)
	if len(res.Events) != 1 || res.Events[0].Detail != "email x2" || res.Kept[0].Passage.Text != "mail [EMAIL] or [EMAIL]" {
		t.Errorf("events = %+v, text %q; want one event \"email x2\"", res.Events, res.Kept[0].Passage.Text)
	}
	if in[0].Passage.Text != "mail a@b.org or c@d.org" {
		t.Errorf("input modified: %q", in[0].Passage.Text)
	}
}

func TestLicenses(t *testing.T) {
	in := []Candidate{cand("wn", "wordnet", "x", chad), cand("none", "web", "x", chad), cand("prop", "web", "x", chad)}
	in[1].Passage.License = ""
	in[2].Passage.License = "Proprietary"
	res, _ := Licenses{}.Apply(context.Background(), in)
	checkResult(t, res, []string{"wn"}, []string{"none", "prop"})
	res, _ = Licenses{Allow: []string{"proprietary"}}.Apply(context.Background(), in)
	checkResult(t, res, []string{"prop"}, []string{"wn", "none"})
}

func TestPipeline(t *testing.T) {
	exams := []exam.Item{{ID: "q-chad", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}}}
	p, d := NewPipeline(Config{}, exams)
	if d == nil || len(p.Filters) != 6 {
		t.Fatalf("NewPipeline: %d filters; want 6", len(p.Filters))
	}
	in := []Candidate{
		cand("good", "wordnet", "Chad: a republic in Africa; capital N'Djamena; mail x@y.org", chad),
		cand("copy", "web", "What is the capital of Chad? N'Djamena", chad),
		cand("off", "wordnet", "Chad: a republic in Africa", chad),
	}
	rep, err := p.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(rep.Kept); !slices.Equal(got, []string{"good"}) {
		t.Errorf("kept = %v; want [good]", got)
	}
	want := []Count{
		{"license", 3, 3, 0, 0}, {"decontaminate", 3, 2, 1, 0}, {"support", 2, 1, 1, 0},
		{"pii", 1, 1, 0, 1}, {"dedupe", 1, 1, 0, 0}, {"agreement", 1, 1, 0, 0},
	}
	if !slices.Equal(rep.Counts, want) {
		t.Errorf("counts = %+v; want %+v", rep.Counts, want)
	}
}

// TestDefaultLicensesCoverCorpora guards the allow-list against the
// licence names the knowledge readers give the demo corpora.
func TestDefaultLicensesCoverCorpora(t *testing.T) {
	for _, lic := range []string{knowledge.LicenseWordNet, knowledge.LicenseGCIDE, knowledge.LicenseFOLDOC,
		knowledge.LicenseElements, knowledge.LicenseFactbook} {
		c := cand("p", "x", "text", chad)
		c.Passage.License = lic
		if res, _ := (Licenses{}).Apply(context.Background(), []Candidate{c}); len(res.Kept) != 1 {
			t.Errorf("default allow-list rejects %q: %+v", lic, res.Rejects)
		}
	}
}

func TestPipelineVerdicts(t *testing.T) {
	exams := []exam.Item{{ID: "q-chad", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}}}
	p, _ := NewPipeline(Config{MinSources: 2}, exams)
	uk := Claim{ItemID: "q-uk", Answer: "London"}
	in := []Candidate{
		cand("good", "wordnet", "Chad: a republic in Africa; capital N'Djamena; mail x@y.org", chad),
		cand("copy", "web", "What is the capital of Chad? N'Djamena", chad),
		cand("lone", "wordnet", "London is the capital of the United Kingdom.", uk),
		cand("off", "wordnet", "Chad: a republic in Africa", chad),
		cand("two", "gcide", "N'Djamena, formerly Fort-Lamy, capital of Chad.", chad),
	}
	rep, err := p.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id, filter string
		keep       bool
		events     int
		agreement  int
	}{
		{"good", "", true, 1, 2},
		{"copy", "decontaminate", false, 0, 0},
		{"lone", "agreement", false, 0, 1},
		{"off", "support", false, 0, 0},
		{"two", "", true, 0, 2},
	}
	if len(rep.Verdicts) != len(want) {
		t.Fatalf("%d verdicts for %d candidates", len(rep.Verdicts), len(in))
	}
	for i, w := range want {
		v := rep.Verdicts[i]
		if v.Passage.ID != w.id || v.Keep != w.keep || v.Filter != w.filter || len(v.Events) != w.events || v.Agreement != w.agreement {
			t.Errorf("verdict %d = %s keep %v filter %q events %d agreement %d; want %+v",
				i, v.Passage.ID, v.Keep, v.Filter, len(v.Events), v.Agreement, w)
		}
		if !v.Keep && v.Reason == "" {
			t.Errorf("verdict %d rejected without a reason", i)
		}
	}
	good := rep.Verdicts[0]
	if !strings.Contains(good.Passage.Text, PlaceholderEmail) || good.Events[0].Filter != "pii" || !slices.Equal(good.Sources, []string{"gcide", "wordnet"}) {
		t.Errorf("kept verdict = %+v; want redacted text, the pii event and sources [gcide wordnet]", good)
	}
}

// rebuild is a filter from outside the package: it keeps rebuilt
// candidates and rejects with literal Rejects, and can lose one.
type rebuild struct{ lose bool }

func (rebuild) Name() string { return "rebuild" }

func (f rebuild) Apply(_ context.Context, in []Candidate) (Result, error) {
	var res Result
	for i, c := range in {
		switch {
		case i == 0 && f.lose:
		case c.Passage.ID == "drop":
			res.Rejects = append(res.Rejects, Reject{PassageID: c.Passage.ID, ItemID: c.Claim.ItemID, Filter: "rebuild", Reason: "dropped"})
		default:
			res.Kept = append(res.Kept, Candidate{MistakeID: c.MistakeID, Claim: c.Claim, Hit: c.Hit})
			res.Events = append(res.Events, Event{PassageID: c.Passage.ID, ItemID: c.Claim.ItemID, Filter: "rebuild", Kind: "seen"})
		}
	}
	return res, nil
}

func TestPipelineMatchesForeignFilters(t *testing.T) {
	in := []Candidate{cand("drop", "x", "a", chad), cand("keep", "x", "b", chad)}
	rep, err := Pipeline{Filters: []Filter{rebuild{}}}.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if v := rep.Verdicts; len(v) != 2 || v[0].Keep || v[0].Reason != "dropped" || !v[1].Keep || len(v[1].Events) != 1 {
		t.Errorf("verdicts = %+v", v)
	}
	if _, err := (Pipeline{Filters: []Filter{rebuild{lose: true}}}).Run(context.Background(), in); err == nil ||
		!strings.Contains(err.Error(), "neither kept nor rejected") {
		t.Errorf("losing filter: error %v; want one saying a passage was neither kept nor rejected", err)
	}
}

func TestPerItem(t *testing.T) {
	c := func(id, item string, score float64) Candidate {
		x := cand(id, "x", "t", Claim{ItemID: item})
		x.Score = score
		return x
	}
	in := []Candidate{c("a1", "a", 1), c("a2", "a", 5), c("b1", "b", 1), c("a3", "a", 3), c("a4", "a", 3)}
	res, err := PerItem{Max: 2}.Apply(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, []string{"a2", "b1", "a3"}, []string{"a1", "a4"})
	if res, _ := (PerItem{}).Apply(context.Background(), in); len(res.Kept) != len(in) {
		t.Errorf("Max 0 kept %d of %d", len(res.Kept), len(in))
	}
}

func TestSupportNeedsTheClaimsNames(t *testing.T) {
	// Key terms as mistake.KeyTerms makes them for "What is the capital
	// of Chad?" and a reverse "Which country has Niamey as its capital?".
	reverse := Claim{ItemID: "q-niger-rev", Answer: "Niger", KeyTerms: []string{"Niamey", "country", "capital"}}
	congo := Claim{ItemID: "q-congo", Answer: "Brazzaville", KeyTerms: []string{"Rep. Congo", "capital"}}
	helium := Claim{ItemID: "q-he", Answer: "He", KeyTerms: []string{"helium", "chemical", "symbol"}, Subject: "helium"}
	longName := Claim{ItemID: "q-bo", Answer: "Plurinational State of Bolivia", KeyTerms: []string{"full", "official"}}
	highest := Claim{ItemID: "q-fr", Answer: "Mont Blanc", KeyTerms: []string{"highest", "point", "mountain"}}
	tests := []struct {
		name string
		c    Candidate
		keep bool
	}{
		{"gloss with subject and relation", cand("w1", "wordnet", "N'Djamena: the capital and largest city of Chad", chad), true},
		{"answer plus the generic word only", cand("w2", "wordnet", "N'Djamena: a capital city on the Chari river", chad), false},
		{"answer plus subject, relation absent", cand("w3", "gcide", "N'Djamena is the largest city of Chad", chad), false},
		{"reverse: names the subject Niamey", cand("f1", "factbook", "Niger. Capital: Niamey. Government type: semi-presidential republic", reverse), true},
		{"reverse: another capital", cand("f2", "factbook", "Niger. Capital: a city on the Niger river; country in West Africa", reverse), false},
		{"multi-word name, words apart", cand("f3", "factbook", "Congo, Republic of the. Capital: Brazzaville", congo), true},
		// A structured subject that is not capitalised is still a name.
		{"lower-case subject named", cand("e1", "elements", "helium: symbol He, atomic number 2", helium), true},
		{"lower-case subject absent", cand("e2", "elements", "He is the symbol of a noble gas", helium), false},
		// Relation-free: the country is inside the answer, so no key term
		// is a name and the first one ("full") is not required as one;
		// half of them (1 of 2) must be there.
		{"no names: half the terms", cand("l1", "factbook", "Bolivia, official long form: Plurinational State of Bolivia", longName), true},
		{"no names: none of the terms", cand("l2", "factbook", "Bolivia, conventional long form: Plurinational State of Bolivia", longName), false},
		{"no names: 1 of 3 is not half", cand("l3", "wordnet", "Mont Blanc, the highest peak of the Alps", highest), false},
		{"no names: 2 of 3", cand("l4", "factbook", "Elevation, highest point: Mont Blanc 4,807 m", highest), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := Support{}.Apply(context.Background(), []Candidate{tt.c})
			if got := len(res.Kept) == 1; got != tt.keep {
				t.Errorf("kept = %v (rejects %+v); want %v", got, res.Rejects, tt.keep)
			}
		})
	}
}

func TestPipelineAgreementDefault(t *testing.T) {
	exams := []exam.Item{{ID: "q-chad", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}}}
	in := []Candidate{
		cand("wn", "wordnet", "N'Djamena: the capital and largest city of Chad", chad),
		cand("fb", "factbook", "Chad. Capital: N'Djamena. Landlocked country in north central Africa", chad),
		cand("one", "wordnet", "Niamey: the capital and largest city of Niger", Claim{ItemID: "q-niger", Answer: "Niamey", KeyTerms: []string{"Niger", "capital"}}),
	}
	tests := []struct {
		name string
		cfg  Config
		kept []string
	}{
		{"one source configured", Config{Sources: 1}, []string{"wn", "fb", "one"}},
		{"two configured: two needed", Config{Sources: 2}, []string{"wn", "fb"}},
		{"explicit minimum wins", Config{Sources: 2, MinSources: 1}, []string{"wn", "fb", "one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := NewPipeline(tt.cfg, exams)
			res, err := p.Run(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, v := range res.Verdicts {
				if v.Keep {
					kept = append(kept, v.Passage.ID)
				}
			}
			if !slices.Equal(kept, tt.kept) {
				t.Errorf("kept %v; want %v", kept, tt.kept)
			}
		})
	}
}
