package suitebuild

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/corpus/wordnet"
	"github.com/cemlab/cem/exam"
)

// Source names of BuildOptions.Sources.
const (
	SourceQuiz     = "quiz"
	SourceWordNet  = "wordnet"
	SourceFactbook = "factbook"
)

// BuildOptions configure BuildSuites.
type BuildOptions struct {
	// Sources to draw items from, in this order: SourceQuiz, SourceWordNet,
	// SourceFactbook. Each needs its folder below.
	Sources                          []string
	QuizDir, WordNetDir, FactbookDir string
	// MC, when >= 2, replaces every open item that has enough distractors
	// by its multiple-choice version with MC choices (see MultipleChoice);
	// KeepOpen keeps the open items as well.
	MC       int
	KeepOpen bool
	// Split cuts the items by fact (see SplitByFact). When empty, and
	// Variants is not set either, all items go to one suite named "exam".
	Split []SplitPart
	// Variants, when both names are set, splits by variant instead (see
	// SplitByVariant): [0] gets forward items, [1] the other variants.
	Variants [2]string
	// Probes, with a variant split, makes the second suite a probe suite
	// (see AddProbes): its reverse items become reverse probes of the
	// first suite's facts, and each forward item there adds a paraphrase
	// probe.
	Probes bool
	Seed   uint64
}

// ParseSplitSpec parses the --split syntax: "exam=0.8,heldout=0.2" (by
// fact, see ParseSplit) or "exam=forward,heldout=reverse" (by variant:
// the part set to "forward" gets forward items, the other the rest).
func ParseSplitSpec(s string) (parts []SplitPart, variants [2]string, err error) {
	if strings.Contains(s, "=forward") {
		fields := strings.Split(s, ",")
		if len(fields) != 2 {
			return nil, variants, fmt.Errorf("split %q: a variant split names two suites, name=forward,name=reverse", s)
		}
		for _, f := range fields {
			name, kind, _ := strings.Cut(strings.TrimSpace(f), "=")
			switch {
			case name == "":
				return nil, variants, fmt.Errorf("split %q: empty suite name", s)
			case kind == exam.VariantForward:
				variants[0] = name
			case kind == exam.VariantReverse || kind == "others":
				variants[1] = name
			default:
				return nil, variants, fmt.Errorf("split %q: want forward or reverse after %s=", s, name)
			}
		}
		if variants[0] == "" || variants[1] == "" || variants[0] == variants[1] {
			return nil, variants, fmt.Errorf("split %q: want one forward and one reverse suite", s)
		}
		return nil, variants, nil
	}
	parts, err = ParseSplit(s)
	return parts, variants, err
}

// BuildSuites builds items from the chosen sources, merges repeats across
// sources (MergeDuplicates), adds multiple-choice versions and splits the
// result into named suites. It fails when a source is unknown or its
// folder cannot be read.
func BuildSuites(o BuildOptions) (map[string][]exam.Item, error) {
	if len(o.Sources) == 0 {
		return nil, errors.New("suitebuild: no sources")
	}
	var items []exam.Item
	for _, src := range o.Sources {
		got, err := sourceItems(src, o)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	items = MergeDuplicates(items)
	var paraphrases []exam.Item
	if o.Probes {
		for _, it := range items {
			if p, ok := Paraphrase(it); ok {
				paraphrases = append(paraphrases, p)
			}
		}
		if o.MC >= 2 {
			paraphrases = ProbeChoices(paraphrases, nil, o.MC, o.Seed)
		}
	}
	if o.MC >= 2 {
		mc := MultipleChoice(items, o.MC, o.Seed)
		made := map[string]bool{}
		suffix := mcSuffix(o.MC)
		for _, it := range mc {
			made[strings.TrimSuffix(it.ID, suffix)] = true
		}
		var out []exam.Item
		for _, it := range items {
			if o.KeepOpen || !made[it.ID] {
				out = append(out, it)
			}
		}
		items = append(out, mc...)
	}
	switch {
	case o.Variants[0] != "" && o.Variants[1] != "":
		suites := SplitByVariant(items, o.Variants[0], o.Variants[1])
		if o.Probes {
			suites[o.Variants[1]] = AddProbes(suites[o.Variants[0]], suites[o.Variants[1]], paraphrases)
		}
		return suites, nil
	case o.Probes:
		return nil, errors.New("suitebuild: probes need a variant split (exam=forward,heldout=reverse)")
	case len(o.Split) > 0:
		return SplitByFact(items, o.Split, o.Seed), nil
	}
	return map[string][]exam.Item{exam.RoleExam: items}, nil
}

// AddProbes returns others (the non-forward items of a variant split)
// as a probe suite of the facts of forward: reverse items of those facts
// become reverse probes (Probe reverse, About their Fact), and
// paraphrases (Paraphrase's probes, in any form) of those facts are
// appended. Items about other facts are kept as they are.
func AddProbes(forward, others, paraphrases []exam.Item) []exam.Item {
	facts := map[string]bool{}
	for _, it := range forward {
		if it.Fact != "" {
			facts[it.Fact] = true
		}
	}
	out := make([]exam.Item, 0, len(others)+len(paraphrases))
	for _, it := range others {
		if it.Variant == exam.VariantReverse && facts[it.Fact] {
			it.Probe, it.About = exam.ProbeReverse, it.Fact
		}
		out = append(out, it)
	}
	for _, p := range paraphrases {
		if facts[p.About] {
			out = append(out, p)
		}
	}
	return out
}

// sourceItems builds the items of one source.
func sourceItems(src string, o BuildOptions) ([]exam.Item, error) {
	switch src {
	case SourceQuiz:
		return QuizItems(o.QuizDir)
	case SourceWordNet:
		db, err := wordnet.Open(o.WordNetDir)
		if err != nil {
			return nil, err
		}
		return WordNetItems(db), nil
	case SourceFactbook:
		cs, err := factbook.Open(o.FactbookDir)
		if err != nil {
			return nil, err
		}
		return FactbookItems(cs), nil
	}
	return nil, fmt.Errorf("suitebuild: unknown source %q (want %s, %s or %s)", src, SourceQuiz, SourceWordNet, SourceFactbook)
}
