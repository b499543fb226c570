package report

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/rundir"
)

// SourceEvidence is what one knowledge source gave a round's curation:
// its candidates, the evidence kept from it (with each passage's
// provenance and agreement) and the PII redactions made in its passages.
type SourceEvidence struct {
	Source     string
	Candidates int
	Kept       int
	// Evidence are the kept verdicts, best retrieval score first.
	Evidence []curate.Verdict
	// Redactions are the PII events of the source's candidates, kept or
	// not, in curation order.
	Redactions []Redaction
}

// Redaction is one PII event: what was redacted in which passage, and
// whether the passage was kept as evidence.
type Redaction struct {
	PassageID, ItemID, Filter, Detail string
	Kept                              bool
}

// piiKind is the event kind of curate.Redactor.
const piiKind = "redact"

// BySource groups a round's verdicts by source, in source-name order.
func BySource(vs []curate.Verdict) []SourceEvidence {
	by := map[string]*SourceEvidence{}
	for _, v := range vs {
		s := by[v.Source]
		if s == nil {
			s = &SourceEvidence{Source: v.Source}
			by[v.Source] = s
		}
		s.Candidates++
		if v.Keep {
			s.Kept++
			s.Evidence = append(s.Evidence, v)
		}
		for _, e := range v.Events {
			if e.Kind == piiKind {
				s.Redactions = append(s.Redactions, Redaction{PassageID: e.PassageID, ItemID: e.ItemID, Filter: e.Filter, Detail: e.Detail, Kept: v.Keep})
			}
		}
	}
	out := make([]SourceEvidence, 0, len(by))
	for _, name := range slices.Sorted(maps.Keys(by)) {
		s := by[name]
		slices.SortStableFunc(s.Evidence, func(a, b curate.Verdict) int { return cmp.Compare(b.Score, a.Score) })
		out = append(out, *s)
	}
	return out
}

// Revision names the version of a passage where its source records one:
// a wiki's revision id ("rev 123"), a web page's fetch time ("fetched
// 2026-12-02T10:00:00Z"); "" otherwise.
func Revision(v curate.Verdict) string {
	switch {
	case v.Fields["revid"] != "":
		return "rev " + v.Fields["revid"]
	case v.Fields["fetched"] != "":
		return "fetched " + v.Fields["fetched"]
	}
	return ""
}

// agreementText is "n: a, b" for a candidate the agreement filter
// counted, "" otherwise.
func agreementText(v curate.Verdict) string {
	if v.Agreement == 0 {
		return ""
	}
	return fmt.Sprintf("%d: %s", v.Agreement, strings.Join(v.Sources, ", "))
}

// Sources writes, for every round of the run folder dir, one line per
// source (candidates, kept, PII redactions, the agreement of its kept
// evidence) and one line per kept passage with its provenance (title,
// URL, licence, revision) and the sources agreeing with it, at most top
// per source (0: all). A round whose curation verdicts cannot be read gets
// a line saying so. It fails only when dir has no readable metrics.json.
func Sources(w io.Writer, dir string, top int) error {
	s, err := rundir.ReadSummary(dir)
	if err != nil {
		return err
	}
	for _, m := range s.Rounds {
		if m.Round == 0 {
			continue
		}
		vs, err := rundir.ReadVerdicts(dir, m.Round)
		if err != nil {
			fmt.Fprintf(w, "round %d evidence by source: not shown, curation verdicts unreadable: %v\n", m.Round, err)
			continue
		}
		fmt.Fprintf(w, "round %d evidence by source:\n", m.Round)
		for _, se := range BySource(vs) {
			fmt.Fprintf(w, "  %s: %d candidates, %d kept, %d PII redactions\n", se.Source, se.Candidates, se.Kept, len(se.Redactions))
			for i, v := range se.Evidence {
				if top > 0 && i == top {
					fmt.Fprintf(w, "    (%d more)\n", len(se.Evidence)-top)
					break
				}
				fmt.Fprintf(w, "    %s %q %s licence %s", v.ID, v.Title, cmp.Or(v.URL, "(no url)"), cmp.Or(v.License, "(none)"))
				if r := Revision(v); r != "" {
					fmt.Fprintf(w, " %s", r)
				}
				if a := agreementText(v); a != "" {
					fmt.Fprintf(w, " agreement %s", a)
				}
				fmt.Fprintln(w)
			}
			for _, r := range se.Redactions {
				fmt.Fprintf(w, "    redacted in %s (item %s): %s\n", r.PassageID, r.ItemID, r.Detail)
			}
		}
	}
	return nil
}
