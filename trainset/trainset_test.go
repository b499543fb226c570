package trainset

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model"
)

var chadItem = exam.Item{ID: "capital/chad", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"},
	Aliases: []string{"Ndjamena"}, Topic: "capital", Subject: "Chad", Relation: "capital", Object: "N'Djamena"}

var chadReverse = exam.Item{ID: "capital/chad-r", Question: "N'Djamena is the capital of which country?", Answer: exam.Answer{Index: -1, Text: "Chad"},
	Topic: "capital", Subject: "Chad", Relation: "capital", Object: "N'Djamena"}

func ev(id, source, text string, it exam.Item) Evidence {
	return Evidence{Passage: knowledge.Passage{ID: id, Source: source, Text: text}, Item: it, Answer: it.Answer.Text, Aliases: it.Aliases}
}

func TestTemplateQuestions(t *testing.T) {
	tests := []struct {
		name string
		ev   Evidence
		want []string
	}{
		{"forward capital", ev("p", "wn", "", chadItem), []string{"Which city is the capital of Chad?", "Name the capital city of Chad.", "Chad has its seat of government in which city?"}},
		{"reverse capital", ev("p", "wn", "", chadReverse), []string{"Which country or state has N'Djamena as its capital?", "N'Djamena is the capital city of what?"}},
		{"generic relation", ev("p", "wn", "", exam.Item{Subject: "Texas", Relation: "state flower", Object: "bluebonnet", Answer: exam.Answer{Index: -1, Text: "bluebonnet"}}),
			[]string{"Texas: what is its state flower?", "Give the state flower of Texas."}},
		{"unstructured item", ev("p", "wn", "", exam.Item{Question: "Why?", Answer: exam.Answer{Index: -1, Text: "x"}}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, qa := range TemplateQuestions(tt.ev) {
				got = append(got, qa.Question)
				if qa.Answer != tt.ev.Answer {
					t.Errorf("answer = %q; want %q", qa.Answer, tt.ev.Answer)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("questions = %q; want %q", got, tt.want)
			}
		})
	}
}

// fixture returns inputs with two evidence items, review, general and
// replay pools.
func fixture() Inputs {
	in := Inputs{Round: 1, Evidence: []Evidence{
		ev("wordnet:chad", "wordnet", "Chad, Republic of Chad: a landlocked republic in north central Africa; capital N'Djamena", chadItem),
		ev("gcide:ndjamena", "gcide", "N'Djamena: the capital and largest city of Chad, on the Chari river", chadItem),
		ev("wordnet:chad", "wordnet", "Chad, Republic of Chad: a landlocked republic in north central Africa; capital N'Djamena", chadReverse),
	}}
	for i := range 10 {
		in.Previous = append(in.Previous, model.Example{ID: fmt.Sprintf("r0-%d", i), Kind: KindNormative, Prompt: "q", Text: "a", Origin: fmt.Sprintf("p%d", i)})
		in.General = append(in.General, model.Example{ID: fmt.Sprintf("g%d", i), Kind: KindGeneral, Prompt: "What does x mean?", Text: "a gloss"})
	}
	for i := range 30 {
		in.Replay = append(in.Replay, knowledge.Passage{ID: fmt.Sprintf("replay:%d", i), Source: "gcide", Text: "some general text about nothing in particular"})
	}
	return in
}

// checkManifest verifies that m agrees with set.
func checkManifest(t *testing.T, set Set, m Manifest) {
	t.Helper()
	if m.Total.Examples != len(set.Examples) || len(m.Provenance) != len(set.Examples) {
		t.Errorf("manifest total %d, provenance %d; want %d", m.Total.Examples, len(m.Provenance), len(set.Examples))
	}
	counts := map[string]int{}
	ids := map[string]bool{}
	for i, e := range set.Examples {
		counts[e.Kind]++
		if ids[e.ID] {
			t.Errorf("duplicate example id %s", e.ID)
		}
		ids[e.ID] = true
		if p := m.Provenance[i]; p.ID != e.ID || p.Kind != e.Kind || p.Origin == "" {
			t.Errorf("provenance[%d] = %+v; want id %s kind %s with an origin", i, p, e.ID, e.Kind)
		}
		if (e.Kind == KindCPT || e.Kind == KindAugment || e.Kind == KindReplay) != (e.Prompt == "") {
			t.Errorf("example %s (%s) prompt %q: CPT kinds have none, others must", e.ID, e.Kind, e.Prompt)
		}
	}
	for _, k := range m.Kinds {
		if counts[k.Kind] != k.Examples {
			t.Errorf("manifest %s examples = %d; set has %d", k.Kind, k.Examples, counts[k.Kind])
		}
	}
}

func kindCounts(set Set) map[string]int {
	c := map[string]int{}
	for _, e := range set.Examples {
		c[e.Kind]++
	}
	return c
}

func TestBuild(t *testing.T) {
	in := fixture()
	d := curate.NewDecontaminator(0)
	d.AddItems([]exam.Item{chadItem, chadReverse})
	b := Builder{Decontam: d, Writer: fixedWriter{"What is the capital of Chad?", "Where is N'Djamena?"}}
	set, man, err := b.Build(context.Background(), in, Mix{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	checkManifest(t, set, man)
	c := kindCounts(set)
	// Pools: 2 CPT docs; normative 3+1+2 (chad, wordnet: templates, restated question, writer)
	// + 3+1+2 (chad, gcide) + 2+1+2 (reverse) minus the 3 copies of the exam question the writer
	// produced; 3 extractive; augment 3 documents of wordnet:chad (once for both items) and 2 of
	// gcide:ndjamena (no shuffle of a single fact).
	if p := man.Count(KindNormative).Pool; p != 14 {
		t.Errorf("normative pool = %d; want 14", p)
	}
	if p := man.Count(KindAugment).Pool; p != 5 {
		t.Errorf("augment pool = %d; want 5", p)
	}
	if man.Decontaminated != 3 || man.Count(KindNormative).Decontaminated != 3 || len(man.Dropped) != 3 || man.Dropped[0].Overlaps != "capital/chad" {
		t.Errorf("decontaminated = %d (%+v); want 3 copies of the exam question", man.Decontaminated, man.Dropped)
	}
	for _, e := range set.Examples {
		if id, hit := d.Match(e.Prompt + "\n" + e.Text); hit {
			t.Errorf("example %s overlaps exam item %s", e.ID, id)
		}
		if e.Kind == KindNormative && (!strings.HasPrefix(e.Prompt, "Question: ") || !strings.HasSuffix(e.Prompt, "\nAnswer:") ||
			(e.Text != " N'Djamena" && e.Text != " Chad")) {
			t.Errorf("normative example %s = %q -> %q; want the exam schema and the answer after a space", e.ID, e.Prompt, e.Text)
		}
	}
	// Evidence-sized: 2 epochs of (2 + 14 + 3) = 38 cpt, normative and extractive examples carry
	// their 0.8 of ratio -> each ratio point is 47.5 examples: cpt 19 (capped at 2 docs x 2
	// epochs), augment 7.1, normative 11.9, extractive 7.1 (capped at 6), review and general 4.75
	// each; replay 0.1/0.9 of the 40 drawn.
	want := map[string]int{KindCPT: 4, KindAugment: 8, KindNormative: 12, KindExtractive: 6, KindReview: 5, KindGeneral: 5, KindReplay: 5}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("counts = %v; want %v", c, want)
	}
	again, man2, _ := b.Build(context.Background(), in, Mix{Seed: 7})
	if !reflect.DeepEqual(set, again) || !reflect.DeepEqual(man, man2) {
		t.Errorf("Build is not deterministic for a fixed seed")
	}
	other, _, _ := b.Build(context.Background(), in, Mix{Seed: 8})
	if reflect.DeepEqual(set.Examples, other.Examples) {
		t.Errorf("seeds 7 and 8 gave the same set")
	}
}

type fixedWriter []string

func (w fixedWriter) Write(_ context.Context, ev Evidence) ([]QA, error) {
	var out []QA
	for _, q := range w {
		out = append(out, QA{Question: q, Answer: ev.Answer})
	}
	return out, nil
}

func TestBuildBudgetAndAblations(t *testing.T) {
	in := fixture()
	tests := []struct {
		name  string
		abl   Ablation
		check func(c map[string]int) bool
		want  string
	}{
		{"full", Full, func(c map[string]int) bool {
			return c[KindReplay] == 10 && c[KindReview] == 8 && c[KindGeneral] == 8 && c[KindCPT] == 4
		}, "replay 10, review and general 8 (90 x 0.1/1.15), cpt capped at 4"},
		{"cpt-only", CPTOnly, func(c map[string]int) bool { return len(c) == 2 && c[KindCPT] == 4 && c[KindAugment] > 0 }, "only cpt (4 = 2 docs x 2 epochs) and augment"},
		{"cit-only", CITOnly, func(c map[string]int) bool {
			return c[KindCPT] == 0 && c[KindAugment] == 0 && c[KindReplay] == 0 && c[KindNormative] > 0 && c[KindReview] > 0
		}, "no cpt, augment or replay"},
		{"no-replay", NoReplay, func(c map[string]int) bool { return c[KindReplay] == 0 && c[KindCPT] > 0 }, "no replay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mix, err := Mix{Budget: 100, Seed: 1}.Ablate(tt.abl)
			if err != nil {
				t.Fatal(err)
			}
			set, man, err := Build(context.Background(), in, mix)
			if err != nil {
				t.Fatal(err)
			}
			checkManifest(t, set, man)
			if c := kindCounts(set); !tt.check(c) {
				t.Errorf("counts = %v; want %s", c, tt.want)
			}
		})
	}
	for _, abl := range []Ablation{Full, NoReplay} {
		m, err := Mix{Epochs: 1}.Ablate(abl)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := (Mix{Epochs: 1}).withDefaults(); m.Epochs != d.Epochs {
			t.Errorf("Mix{Epochs: 1}.Ablate(%q).Epochs = %d; want %d, as the unablated mix", abl, m.Epochs, d.Epochs)
		}
	}
	if _, err := (Mix{}).Ablate("half"); err == nil {
		t.Errorf("Ablate(half) error = nil; want an error")
	}
	if _, _, err := Build(context.Background(), in, Mix{CPT: 1, Replay: 0.95}); err == nil {
		t.Errorf("Build with replay 0.95 error = nil; want an error")
	}
}

func TestBuildTokenBudget(t *testing.T) {
	in := fixture()
	set, man, err := Build(context.Background(), in, Mix{CPT: 1, Replay: 0.5, BudgetTokens: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkManifest(t, set, man)
	if man.Unit != "tokens" {
		t.Errorf("unit = %q; want tokens", man.Unit)
	}
	// 2 CPT docs of ~16 and ~18 tokens x 2 epochs cannot reach 100 tokens; replay fills its 100.
	if r := man.Count(KindReplay).Tokens; r < 100 || r > 100+ApproxTokens(in.Replay[0].Text)+1 {
		t.Errorf("replay tokens = %d; want 100 plus at most one passage", r)
	}
}

func TestRandom(t *testing.T) {
	in := fixture()
	d := curate.NewDecontaminator(0)
	d.AddItems([]exam.Item{chadItem})
	corpus := append(in.Replay, knowledge.Passage{ID: "leak", Text: "quiz: what is the capital of chad"})
	b := Builder{Decontam: d}
	set, man := b.Random(corpus, 500, 11)
	if got := man.Count(KindCPT).Tokens; got < 500 || got > 500+10 {
		t.Errorf("random tokens = %d; want 500 plus at most one passage", got)
	}
	if man.Decontaminated != 1 {
		t.Errorf("decontaminated = %d; want 1 (the leak)", man.Decontaminated)
	}
	checkManifest(t, set, man)
	again, _ := b.Random(corpus, 500, 11)
	if !reflect.DeepEqual(set, again) {
		t.Errorf("Random is not deterministic")
	}
	if empty, _ := b.Random(nil, 500, 11); len(empty.Examples) != 0 {
		t.Errorf("Random(empty corpus) has %d examples; want 0", len(empty.Examples))
	}
}

func TestGeneralPool(t *testing.T) {
	passages := []knowledge.Passage{
		{ID: "wn:1", Title: "sesquipedalian", Text: "given to the overuse of long words"},
		{ID: "wn:2", Title: "Chad", Text: "a landlocked republic in north central Africa; capital N'Djamena"},
		{ID: "wn:3", Title: "", Text: "no title"},
		{ID: "wn:4", Title: "lake", Text: "a body of water surrounded by land, such as Lake Chad"},
		{ID: "wn:5", Title: "kettle", Text: "a metal pot for stewing or boiling; usually has a lid"},
	}
	got := GeneralPool(passages, GeneralOptions{Seed: 1, Avoid: []string{"Chad", "N'Djamena"}})
	var ids []string
	for _, e := range got {
		ids = append(ids, e.Origin)
		if e.Kind != KindGeneral || !strings.Contains(e.Prompt, passages[slices.IndexFunc(passages, func(p knowledge.Passage) bool { return p.ID == e.Origin })].Title) {
			t.Errorf("example %+v: want a general question naming its title", e)
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"wn:1", "wn:5"}) {
		t.Errorf("origins = %v; want [wn:1 wn:5]", ids)
	}
	if n := len(GeneralPool(passages, GeneralOptions{N: 1})); n != 1 {
		t.Errorf("GeneralPool(N=1) gave %d; want 1", n)
	}
}

func TestIO(t *testing.T) {
	dir := t.TempDir()
	set, man, err := Build(context.Background(), fixture(), Mix{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "trainset.jsonl")
	if err := WriteExamples(p, set.Examples); err != nil {
		t.Fatal(err)
	}
	back, err := ReadExamples(p)
	if err != nil || !reflect.DeepEqual(back, set.Examples) {
		t.Errorf("ReadExamples = %d examples, %v; want the %d written", len(back), err, len(set.Examples))
	}
	mp := filepath.Join(dir, "manifest.json")
	if err := WriteManifest(mp, man); err != nil {
		t.Fatal(err)
	}
	mback, err := ReadManifest(mp)
	if err != nil || !reflect.DeepEqual(mback, man) {
		t.Errorf("ReadManifest differs from the manifest written (%v)", err)
	}
	if err := WriteExamples(filepath.Join(dir, "missing", "x.jsonl"), nil); err == nil {
		t.Errorf("WriteExamples into a missing folder: error = nil")
	}
	bad := filepath.Join(dir, "bad.jsonl")
	WriteExamples(bad, set.Examples[:1])
	appendLine(t, bad, "{not json\n")
	if _, err := ReadExamples(bad); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2") {
		t.Errorf("ReadExamples(bad) error = %v; want one naming bad.jsonl:2", err)
	}
}

func TestGeneralPoolSources(t *testing.T) {
	ps := []knowledge.Passage{
		{ID: "w1", Source: "wordnet", Title: "kettle", Text: "a metal pot for boiling water"},
		{ID: "f1", Source: "factbook", Title: "Chad", Text: "a country in central Africa"},
		{ID: "g1", Source: "gcide", Title: "ladle", Text: "a deep long-handled spoon"},
	}
	got := GeneralPool(ps, GeneralOptions{Seed: 1, Sources: DictionarySources})
	var origins []string
	for _, e := range got {
		origins = append(origins, e.Origin)
	}
	slices.Sort(origins)
	if !slices.Equal(origins, []string{"g1", "w1"}) {
		t.Errorf("origins = %q, want [g1 w1]", origins)
	}
	if n := len(GeneralPool(ps, GeneralOptions{Seed: 1})); n != 3 {
		t.Errorf("without Sources: %d examples, want 3", n)
	}
}

func TestTokenBudgetCountsLossBearingTokens(t *testing.T) {
	in := fixture()
	// Normative examples only: their prompts are counted but carry no
	// loss, so the budget is met by their answers' tokens.
	set, man, err := Build(context.Background(), in, Mix{Normative: 1, BudgetTokens: 6, Epochs: 20, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkManifest(t, set, man)
	n := man.Count(KindNormative)
	if n.Examples == 0 || n.Tokens <= n.LossTokens {
		t.Fatalf("normative row = %+v; want examples whose counted tokens exceed their loss-bearing ones", n)
	}
	loss := 0
	for _, e := range set.Examples {
		loss += LossTokens(e, ApproxTokens)
	}
	if loss != man.Total.LossTokens || man.Total.LossTokens < 6 {
		t.Errorf("loss-bearing tokens = %d (manifest %d); want the examples' sum, reaching the budget of 6", loss, man.Total.LossTokens)
	}
	if max1 := LossTokens(set.Examples[0], ApproxTokens) + 6; man.Total.LossTokens > max1 {
		t.Errorf("loss-bearing tokens = %d; want the budget 6 plus at most one example", man.Total.LossTokens)
	}
}

// TestGeneralRepeatsUpToEpochs: a general pool smaller than its share
// is cycled up to mix.Epochs times, never more.
func TestGeneralRepeatsUpToEpochs(t *testing.T) {
	in := fixture()
	in.General = in.General[:2]
	for _, epochs := range []int{1, 3} {
		set, man, err := Build(context.Background(), in, Mix{CPT: 1, Normative: 1, General: 5, Epochs: epochs, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range set.Examples {
			if e.Kind == KindGeneral {
				seen[e.Origin]++
			}
		}
		if g := man.Count(KindGeneral); g.Examples != 2*epochs || len(seen) != 2 || seen["g0"] != epochs {
			t.Errorf("epochs %d: %d general examples, per origin %v; want each of the 2 exactly %d times", epochs, g.Examples, seen, epochs)
		}
	}
}

// TestWeights: Mix.Weights multiplies each example's loss weight by its
// kind's (a file's own weight kept, 0 meaning 1), leaves other kinds at
// their weight, gives review examples the review weight rather than the
// one they had in their round, and rejects unknown kinds and bad weights.
func TestWeights(t *testing.T) {
	in := fixture()
	in.General = slices.Clone(in.General)
	in.General[0].Weight = 3
	in.Previous = []model.Example{{ID: "normative:old", Kind: KindNormative, Prompt: "Q?", Text: " A", Weight: 4}}
	mix := Mix{CPT: 1, Normative: 1, Review: 1, General: 5, Epochs: 1, Seed: 3, Weights: map[string]float64{KindGeneral: 2, KindNormative: 0.5}}
	set, _, err := Build(context.Background(), in, mix)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{KindNormative: 0.5, KindCPT: 0, KindReview: 0}
	seen := map[string]int{}
	for _, e := range set.Examples {
		seen[e.Kind]++
		w, ok := want[e.Kind]
		if e.Kind == KindGeneral {
			w, ok = 2, true
			if e.Origin == in.General[0].ID {
				w = 6
			}
		}
		if ok && e.Weight != w {
			t.Errorf("%s example %s: weight %v; want %v", e.Kind, e.ID, e.Weight, w)
		}
	}
	for _, k := range []string{KindCPT, KindNormative, KindReview, KindGeneral} {
		if seen[k] == 0 {
			t.Errorf("no %s example in the set; the test checks nothing for it", k)
		}
	}
	unweighted, _, err := Build(context.Background(), in, Mix{CPT: 1, Normative: 1, Review: 1, General: 5, Epochs: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(unweighted.Examples) != len(set.Examples) {
		t.Errorf("weights changed the set's size: %d examples, %d without", len(set.Examples), len(unweighted.Examples))
	}
	for _, bad := range []map[string]float64{{"definitions": 2}, {KindGeneral: -1}, {KindCPT: math.Inf(1)}} {
		m := mix
		m.Weights = bad
		if _, _, err := Build(context.Background(), in, m); err == nil {
			t.Errorf("weights %v: no error", bad)
		}
	}
}
