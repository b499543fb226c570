package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/knowledge"
)

// writeVerdicts replaces round 1's curation.jsonl of dir.
func writeVerdicts(t *testing.T, dir string, vs []curate.Verdict) {
	t.Helper()
	var b strings.Builder
	for _, v := range vs {
		line, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(filepath.Join(dir, "round-1", "curation.jsonl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func verdict(keep bool, score float64, p knowledge.Passage, agree []string, events ...curate.Event) curate.Verdict {
	return curate.Verdict{Keep: keep, Events: events, Candidate: curate.Candidate{MistakeID: "chad", Sources: agree, Agreement: len(agree),
		Hit: knowledge.Hit{Score: score, Passage: p}}}
}

// threeSources is a round's curation with evidence from an index, a wiki
// and the web, a PII redaction in a kept and in a rejected web passage.
func threeSources() []curate.Verdict {
	agree := []string{"notes", "web", "wiki"}
	pii := func(id, what string) curate.Event {
		return curate.Event{PassageID: id, ItemID: "chad", Filter: "pii", Kind: "redact", Detail: what}
	}
	return []curate.Verdict{
		verdict(true, 4, knowledge.Passage{ID: "notes:1", Source: "notes", Title: "Chad", Text: "N'Djamena is the capital of Chad.", License: "public-domain"}, agree),
		verdict(true, 2, knowledge.Passage{ID: "wiki:Chad#Capital", Source: "wiki", Title: "Chad > Government > Capital", Text: "name: N'Djamena",
			URL: "http://127.0.0.1/index.php?title=Chad#Capital", License: "CC-BY-SA-4.0", Fields: map[string]string{"revid": "318", "page": "Chad"}}, agree),
		verdict(true, 3, knowledge.Passage{ID: "web:1", Source: "web", Title: "Chad", Text: "The capital is N'Djamena; write to [email]",
			URL: "http://127.0.0.1/chad.html#gov", License: "CC-BY-4.0", Fields: map[string]string{"fetched": "2026-12-02T14:00:00Z"}}, agree,
			pii("web:1", "1 email")),
		{Keep: false, Filter: "support", Reason: "no key term", Events: []curate.Event{pii("web:2", "1 phone")},
			Candidate: curate.Candidate{MistakeID: "chad", Hit: knowledge.Hit{Passage: knowledge.Passage{ID: "web:2", Source: "web", Text: "call [phone]"}}}},
	}
}

func TestBySource(t *testing.T) {
	got := BySource(threeSources())
	type want struct {
		source           string
		candidates, kept int
		redactions       int
		revision         string
	}
	for i, w := range []want{{"notes", 1, 1, 0, ""}, {"web", 2, 1, 2, "fetched 2026-12-02T14:00:00Z"}, {"wiki", 1, 1, 0, "rev 318"}} {
		if i >= len(got) {
			t.Fatalf("BySource gave %d sources; want 3", len(got))
		}
		g := got[i]
		if g.Source != w.source || g.Candidates != w.candidates || g.Kept != w.kept || len(g.Redactions) != w.redactions {
			t.Errorf("source %d = %s %d candidates %d kept %d redactions; want %+v", i, g.Source, g.Candidates, g.Kept, len(g.Redactions), w)
		}
		if len(g.Evidence) != w.kept || Revision(g.Evidence[0]) != w.revision || g.Evidence[0].Agreement != 3 {
			t.Errorf("source %s evidence %+v; want %d kept, revision %q, agreement 3", g.Source, g.Evidence, w.kept, w.revision)
		}
	}
	if r := got[1].Redactions; len(r) == 2 && (!r[0].Kept || r[1].Kept || r[1].Detail != "1 phone") {
		t.Errorf("web redactions %+v; want the kept e-mail one, then the rejected phone one", r)
	}
}

func TestHTMLShowsEvidenceBySource(t *testing.T) {
	dir := writeRun(t, "cem", "", 1)
	writeVerdicts(t, dir, threeSources())
	page := writePage(t, dir, Options{})
	for _, want := range []string{
		"Evidence by source",
		"notes: 1 candidates, 1 kept, 0 PII redactions",
		"web: 2 candidates, 1 kept, 2 PII redactions",
		"wiki: 1 candidates, 1 kept, 0 PII redactions",
		`<a href="http://127.0.0.1/index.php?title=Chad#Capital">wiki:Chad#Capital</a>`, "Chad &gt; Government &gt; Capital", "CC-BY-SA-4.0", "rev 318",
		"fetched 2026-12-02T14:00:00Z", "3: notes, web, wiki",
		"<td class=\"l\">web:2</td><td class=\"l\">chad</td><td class=\"l\">1 phone</td><td class=\"l\">no</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	var text strings.Builder
	if err := Sources(&text, dir, 0); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"round 1 evidence by source:", "  wiki: 1 candidates, 1 kept, 0 PII redactions",
		`wiki:Chad#Capital "Chad > Government > Capital" http://127.0.0.1/index.php?title=Chad#Capital licence CC-BY-SA-4.0 rev 318 agreement 3: notes, web, wiki`,
		"redacted in web:2 (item chad): 1 phone"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("Sources =\n%s\nlacks %q", text.String(), want)
		}
	}
}
