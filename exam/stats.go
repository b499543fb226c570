package exam

import (
	"slices"
	"sort"
)

type StatRow struct {
	Suite, Topic   string
	Items          int
	Open, Choice   int // open questions and multiple-choice items
	Facts          int // distinct facts
	Forward, Other int // items by variant: forward (or none) and the rest
}

// Stats counts the items of each suite by topic, sorted by suite then
// topic, with a row of topic "(all)" closing each suite.
func Stats(suites []*Suite) []StatRow {
	var rows []StatRow
	sorted := slices.Clone(suites)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, s := range sorted {
		byTopic := map[string]*StatRow{}
		facts := map[string]map[string]bool{}
		total := StatRow{Suite: s.Name, Topic: "(all)"}
		allFacts := map[string]bool{}
		for i := range s.Items {
			it := &s.Items[i]
			r := byTopic[it.Topic]
			if r == nil {
				r = &StatRow{Suite: s.Name, Topic: it.Topic}
				byTopic[it.Topic] = r
				facts[it.Topic] = map[string]bool{}
			}
			for _, x := range []*StatRow{r, &total} {
				x.Items++
				if it.Answer.IsOpen() {
					x.Open++
				} else {
					x.Choice++
				}
				if it.Variant == "" || it.Variant == VariantForward {
					x.Forward++
				} else {
					x.Other++
				}
			}
			facts[it.Topic][it.FactKey()] = true
			allFacts[it.FactKey()] = true
		}
		topics := make([]string, 0, len(byTopic))
		for t := range byTopic {
			topics = append(topics, t)
		}
		sort.Strings(topics)
		for _, t := range topics {
			r := byTopic[t]
			r.Facts = len(facts[t])
			rows = append(rows, *r)
		}
		total.Facts = len(allFacts)
		rows = append(rows, total)
	}
	return rows
}

// FactKey returns the key that groups the item with the others asking
// about the same fact: its Fact, or its ID when it has none.
func (it *Item) FactKey() string {
	if it.Fact != "" {
		return it.Fact
	}
	return "id:" + it.ID
}
