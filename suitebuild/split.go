package suitebuild

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cemlab/cem/exam"
)

// SplitPart names one output suite of a split and its share of facts.
type SplitPart struct {
	Name     string
	Fraction float64
}

// ParseSplit parses "exam=0.8,heldout=0.2" into parts. Fractions must be
// positive and sum to 1 (within 1e-6); names must be distinct.
func ParseSplit(s string) ([]SplitPart, error) {
	var parts []SplitPart
	sum := 0.0
	for _, f := range strings.Split(s, ",") {
		name, frac, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("split %q: want name=fraction, got %q", s, f)
		}
		x, err := strconv.ParseFloat(frac, 64)
		if err != nil || x <= 0 || x > 1 {
			return nil, fmt.Errorf("split %q: fraction of %s must be in (0,1], got %q", s, name, frac)
		}
		if slices.ContainsFunc(parts, func(p SplitPart) bool { return p.Name == name }) {
			return nil, fmt.Errorf("split %q: %s named twice", s, name)
		}
		parts = append(parts, SplitPart{name, x})
		sum += x
	}
	if math.Abs(sum-1) > 1e-6 {
		return nil, fmt.Errorf("split %q: fractions sum to %g, want 1", s, sum)
	}
	return parts, nil
}

// SplitByFact assigns items to parts so that all items of one Fact land
// in the same part, stratified by Topic: within each topic the facts are
// ordered by a seeded shuffle and cut into runs proportional to the
// fractions (largest remainder, so a topic with n facts gives each part
// floor or ceil of n*fraction facts). A fact whose items span several
// topics is counted under the topic of its first item. Item order within
// each part follows the input. The same items and seed give the same
// split, whatever the input order of facts.
func SplitByFact(items []exam.Item, parts []SplitPart, seed uint64) map[string][]exam.Item {
	byTopic := map[string][]string{}
	factTopic := map[string]string{}
	for i := range items {
		f := items[i].FactKey()
		if _, ok := factTopic[f]; !ok {
			factTopic[f] = items[i].Topic
			byTopic[items[i].Topic] = append(byTopic[items[i].Topic], f)
		}
	}
	assign := map[string]string{}
	for topic, facts := range byTopic {
		sort.Strings(facts)
		rng := rand.New(rand.NewPCG(seed, hashString("topic:"+topic)))
		rng.Shuffle(len(facts), func(i, j int) { facts[i], facts[j] = facts[j], facts[i] })
		counts := apportion(len(facts), parts)
		at := 0
		for p, n := range counts {
			for _, f := range facts[at : at+n] {
				assign[f] = parts[p].Name
			}
			at += n
		}
	}
	out := map[string][]exam.Item{}
	for _, p := range parts {
		out[p.Name] = nil
	}
	for i := range items {
		name := assign[items[i].FactKey()]
		out[name] = append(out[name], items[i])
	}
	return out
}

// apportion splits n into len(parts) counts proportional to the
// fractions by the largest-remainder method (ties to the earlier part).
func apportion(n int, parts []SplitPart) []int {
	counts := make([]int, len(parts))
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(parts))
	left := n
	for i, p := range parts {
		x := float64(n) * p.Fraction
		counts[i] = int(math.Floor(x))
		left -= counts[i]
		rems[i] = rem{i, x - math.Floor(x)}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for j := 0; left > 0 && len(rems) > 0; j = (j + 1) % len(rems) {
		counts[rems[j].i]++
		left--
	}
	return counts
}

// SplitByVariant sends the forward items (Variant "forward" or "") to the
// suite named forward and every other variant of the same facts (reverse
// questions, paraphrases) to the suite named others. Order follows the
// input.
// The demo uses it to make a heldout suite of reverse questions about
// facts whose forward questions are in the exam.
func SplitByVariant(items []exam.Item, forward, others string) map[string][]exam.Item {
	out := map[string][]exam.Item{forward: nil, others: nil}
	for _, it := range items {
		if it.Variant == "" || it.Variant == exam.VariantForward {
			out[forward] = append(out[forward], it)
		} else {
			out[others] = append(out[others], it)
		}
	}
	return out
}
