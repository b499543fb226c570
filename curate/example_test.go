package curate_test

import (
	"context"
	"fmt"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/knowledge"
)

func ExamplePipeline() {
	claim := curate.Claim{ItemID: "quiz-africa-chad", Answer: "N'Djamena", Aliases: []string{"Ndjamena"},
		KeyTerms: []string{"Chad", "capital"}}
	passage := func(id, source, license, text string) curate.Candidate {
		return curate.Candidate{MistakeID: claim.ItemID, Hit: knowledge.Hit{Passage: knowledge.Passage{ID: id, Source: source, License: license, Text: text}}, Claim: claim}
	}
	in := []curate.Candidate{
		passage("wordnet:n08953655", "wordnet", "WordNet-3.0", "Chad, Republic of Chad: a landlocked republic in north central Africa; capital N'Djamena"),
		passage("gcide:Ndjamena", "gcide", "GPL-3.0-or-later", "Ndjamena: the capital of Chad; contact editor@example.org"),
		passage("web:1", "web", "", "N'Djamena is the capital of Chad"),
		passage("web:2", "quizsite", "CC-BY-4.0", "Q: What is the capital of Chad? A: N'Djamena"),
		passage("wordnet:n08953656", "wordnet", "WordNet-3.0", "Chad: a lake in north central Africa"),
	}
	suite := []exam.Item{{ID: "quiz-africa-chad", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}}}
	p, _ := curate.NewPipeline(curate.Config{}, suite)
	rep, _ := p.Run(context.Background(), in)
	for _, c := range rep.Counts {
		fmt.Printf("%-13s in=%d kept=%d rejected=%d events=%d\n", c.Filter, c.In, c.Kept, c.Rejected, c.Events)
	}
	for _, r := range rep.Rejects {
		fmt.Printf("reject %s by %s: %s\n", r.PassageID, r.Filter, r.Reason)
	}
	for _, e := range rep.Events {
		fmt.Printf("event %s by %s: %s %s\n", e.PassageID, e.Filter, e.Kind, e.Detail)
	}
	for _, c := range rep.Kept {
		fmt.Printf("kept %s (%d sources): %s\n", c.Passage.ID, c.Agreement, c.Passage.Text)
	}
	// Output:
	// license       in=5 kept=4 rejected=1 events=0
	// decontaminate in=4 kept=3 rejected=1 events=0
	// support       in=3 kept=2 rejected=1 events=0
	// pii           in=2 kept=2 rejected=0 events=1
	// dedupe        in=2 kept=2 rejected=0 events=0
	// agreement     in=2 kept=2 rejected=0 events=0
	// reject web:1 by license: unknown licence (source "web" gives none)
	// reject web:2 by decontaminate: overlaps exam item quiz-africa-chad
	// reject wordnet:n08953656 by support: does not name the answer "N'Djamena" or an alias
	// event gcide:Ndjamena by pii: redact email x1
	// kept wordnet:n08953655 (2 sources): Chad, Republic of Chad: a landlocked republic in north central Africa; capital N'Djamena
	// kept gcide:Ndjamena (2 sources): Ndjamena: the capital of Chad; contact [EMAIL]
}

func ExampleRedact() {
	text, counts := curate.Redact("Call +1 212-555-0199 or mail info@example.com; founded 1887, ISBN 0-306-40615-2.")
	fmt.Println(text)
	fmt.Println(counts)
	// Output:
	// Call [PHONE] or mail [EMAIL]; founded 1887, ISBN 0-306-40615-2.
	// map[email:1 phone:1]
}

func ExampleDecontaminator() {
	d := curate.NewDecontaminator(13)
	d.AddItems([]exam.Item{{ID: "q1", Question: "What is the capital of Chad?", Answer: exam.Answer{Index: -1, Text: "N'Djamena"}}})
	for _, text := range []string{
		"Question: What is the capital of Chad?\nAnswer: N'Djamena",
		"Which city is Chad's capital?",
	} {
		id, ok := d.Match(text)
		fmt.Printf("%v %q\n", ok, id)
	}
	// Output:
	// true "q1"
	// false ""
}
