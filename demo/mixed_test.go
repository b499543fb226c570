package demo

import (
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
)

// TestSkillExamples builds the quick demo's suites from the real data
// and checks the mixed-training examples: there are reverse and
// extractive ones, about facts outside every suite, none naming a
// withheld fact or overlapping a suite item.
func TestSkillExamples(t *testing.T) {
	set, quiz, dict := quickSuites(t)
	facts := skillFacts(set, quiz, dict)
	skill := skillExamples(set, facts, dict, 1)
	if len(facts) < 10 || len(skill) < 3*len(facts) {
		t.Fatalf("%d skill facts, %d examples; want >= 10 facts and 3 examples each", len(facts), len(skill))
	}
	inSuite := map[string]bool{}
	dc := curate.NewDecontaminator(0)
	for _, s := range set.suites {
		dc.AddItems(s.Items)
		for _, it := range s.Items {
			inSuite[it.Fact], inSuite[it.About] = true, true
		}
	}
	withheld := factTerms(set.withheld)
	kinds := map[string]int{}
	for _, f := range facts {
		if inSuite[f.id] {
			t.Errorf("skill fact %s is in a suite", f.id)
		}
	}
	for _, e := range skill {
		_, form, _ := strings.Cut(strings.TrimPrefix(e.ID, "skill:"), ":")
		kinds[strings.SplitN(form, "-", 2)[0]]++
		if id, hit := dc.Match(e.Prompt + "\n" + e.Text); hit {
			t.Errorf("%s overlaps suite item %s", e.ID, id)
		}
		if mentions(spaced(e.Prompt+" "+e.Text), withheld) {
			t.Errorf("%s names a withheld fact: %q", e.ID, e.Prompt+e.Text)
		}
		if e.Kind != KindSkill || !strings.HasSuffix(e.Prompt, "Answer:") || e.Text != exam.Continuation(strings.TrimSpace(e.Text)) {
			t.Errorf("%s: malformed %+v", e.ID, e)
		}
	}
	for _, k := range []string{"forward", "reverse", "extract"} {
		if kinds[k] == 0 {
			t.Errorf("no %s skill examples (%v)", k, kinds)
		}
	}
	t.Logf("%d facts, %d examples by form %v", len(facts), len(skill), kinds)
	for _, e := range skill[:min(6, len(skill))] {
		t.Logf("%s: %q -> %q", e.ID, e.Prompt, e.Text)
	}
}
