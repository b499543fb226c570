package knowledge

import (
	"context"
	"fmt"
	"strings"

	"github.com/cemlab/cem/corpus/wordnet"
)

// ReadWordNet reads the WordNet 3.0 database in dir (data.* and index.*
// files) into one passage per synset, nouns first, in file order.
//
// The passage's Title is the synset's lemmas joined with ", "; its Text
// is "<lemmas> (<part of speech>): <gloss>" followed by one line per
// relation: "Instance of: ...", "Kind of: ..." (hypernyms of non-instances),
// "Part of: ..." (part holonyms), "Member of: ..." and "Has part: ..."
// (part meronyms: a country's capital and regions), each target written
// as its lemmas. Fields holds "lemmas", "pos", "lexfile", and
// "instance_of", "kind_of", "part_of", "member_of", "has_part" (first
// lemma of each target, joined with "|") when present. IDs are "wordnet:<synset id>",
// e.g. "wordnet:n08953655"; URL is "data.<pos>:<offset>".
func ReadWordNet(ctx context.Context, dir string) (*Corpus, error) {
	db, err := wordnet.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("wordnet: %w", err)
	}
	c := &Corpus{Name: "wordnet", Passages: make([]Passage, 0, len(db.Synsets))}
	for i, s := range db.Synsets {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c.Passages = append(c.Passages, synsetPassage(db, s))
	}
	return c, nil
}

var posNames = map[wordnet.POS]string{
	wordnet.Noun: "noun", wordnet.Verb: "verb", wordnet.Adj: "adjective",
	wordnet.AdjSat: "adjective", wordnet.Adv: "adverb",
}

// synsetPassage renders one synset.
func synsetPassage(db *wordnet.DB, s *wordnet.Synset) Passage {
	lemmas := strings.Join(s.Lemmas, ", ")
	fields := map[string]string{
		"lemmas":  strings.Join(s.Lemmas, "|"),
		"pos":     posNames[s.POS],
		"lexfile": s.LexFile,
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", lemmas, posNames[s.POS], s.Gloss)
	relation := func(label, field string, targets []*wordnet.Synset) {
		var names, firsts []string
		for _, t := range targets {
			if len(t.Lemmas) == 0 {
				continue
			}
			names = append(names, strings.Join(t.Lemmas, ", "))
			firsts = append(firsts, t.Lemmas[0])
		}
		if len(names) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s: %s", label, strings.Join(names, "; "))
		fields[field] = strings.Join(firsts, "|")
	}
	if s.IsInstance() {
		relation("Instance of", "instance_of", db.InstanceHypernyms(s))
	} else {
		relation("Kind of", "kind_of", db.Hypernyms(s))
	}
	relation("Part of", "part_of", db.PartHolonyms(s))
	relation("Member of", "member_of", db.MemberHolonyms(s))
	relation("Has part", "has_part", db.PartMeronyms(s))
	return Passage{
		ID:      "wordnet:" + s.ID(),
		Source:  "wordnet",
		Title:   lemmas,
		Text:    b.String(),
		URL:     fmt.Sprintf("data.%s:%08d", s.POS.File(), s.Offset),
		License: LicenseWordNet,
		Fields:  fields,
	}
}
