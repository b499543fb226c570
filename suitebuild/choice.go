package suitebuild

import (
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/cemlab/cem/exam"
)

// MultipleChoice returns a multiple-choice version of every open item in
// items that has enough distractors: k choices (k >= 2), the gold answer
// at a seeded random position and k-1 distractors drawn, seeded, from the
// answers of other items, finest pool first (see poolKeys): items asked
// the same way ("_ is the capital of which country?"), then items about
// the same class (other chemists for Marie Curie), then the same topic,
// then the same relation and variant. So a country competes with
// countries, not with U.S. states, while a pool too small is filled from
// the next. A distractor never equals the answer or one of its aliases
// after Normalize, and never repeats. Items already multiple choice, and
// open items for which fewer than k-1 distractors exist, are left out.
//
// The new item has ID "<id>-mc<k>", the same Fact, Subject, Relation,
// Object and Variant, and no aliases. The result is the same for the same
// items, k and seed, whatever their order.
func MultipleChoice(items []exam.Item, k int, seed uint64) []exam.Item {
	if k < 2 {
		return nil
	}
	pools := map[string][]string{}
	seen := map[string]bool{}
	for i := range items {
		it := &items[i]
		n := exam.Normalize(it.Answer.Text)
		if !it.Answer.IsOpen() || n == "" {
			continue
		}
		for _, key := range poolKeys(it) {
			if !seen[key+"\x00"+n] {
				seen[key+"\x00"+n] = true
				pools[key] = append(pools[key], it.Answer.Text)
			}
		}
	}
	for _, p := range pools {
		sort.Strings(p) // independent of item order
	}
	var out []exam.Item
	for i := range items {
		it := &items[i]
		if !it.Answer.IsOpen() {
			continue
		}
		if mc, ok := makeChoice(it, pools, k, seed); ok {
			out = append(out, mc)
		}
	}
	return out
}

// poolKeys returns the distractor pools of an item, finest first: the
// question's shape (the question with the fact's given side, Subject for
// forward items and Object for the others, replaced by "_"), the class
// (Object, when it is not the answer), the topic, and the relation (or
// topic) with the variant.
func poolKeys(it *exam.Item) []string {
	rel := it.Relation
	if rel == "" {
		rel = it.Topic
	}
	base := rel + "\x00" + it.Variant
	given := it.Subject
	if it.Variant != "" && it.Variant != exam.VariantForward {
		given = it.Object
	}
	var keys []string
	if given != "" && strings.Contains(it.Question, given) {
		keys = append(keys, base+"\x00shape\x00"+strings.ReplaceAll(it.Question, given, "_"))
	}
	if it.Object != "" && !sameAnswer(it.Object, it.Answer.Text) {
		keys = append(keys, base+"\x00class\x00"+exam.Normalize(it.Object))
	}
	return append(keys, base+"\x00topic\x00"+it.Topic, base)
}

// makeChoice builds the multiple-choice version of one item.
func makeChoice(it *exam.Item, pools map[string][]string, k int, seed uint64) (exam.Item, bool) {
	golds := map[string]bool{}
	for _, g := range it.Golds() {
		golds[exam.Normalize(g)] = true
	}
	rng := rand.New(rand.NewPCG(seed, hashString(it.ID)))
	choices := make([]string, 0, k)
	used := map[string]bool{}
	for _, key := range poolKeys(it) {
		pool := pools[key]
		// Draw without replacement by walking a seeded permutation.
		for _, j := range rng.Perm(len(pool)) {
			if len(choices) == k-1 {
				break
			}
			c := pool[j]
			n := exam.Normalize(c)
			if golds[n] || used[n] {
				continue
			}
			used[n] = true
			choices = append(choices, c)
		}
	}
	if len(choices) < k-1 {
		return exam.Item{}, false
	}
	pos := rng.IntN(k)
	choices = append(choices, "")
	copy(choices[pos+1:], choices[pos:])
	choices[pos] = it.Answer.Text
	mc := *it
	mc.ID = it.ID + mcSuffix(k)
	mc.Choices = choices
	mc.Answer = exam.Answer{Index: pos, Text: it.Answer.Text}
	mc.Aliases = nil
	return mc, true
}

// hashString is FNV-1a of s, used to derive per-item random streams.
func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// mcSuffix is what a k-choice item's ID adds to its open item's ID.
func mcSuffix(k int) string { return "-mc" + strconv.Itoa(k) }

// sameAnswer reports whether a and b normalise to the same non-empty text.
func sameAnswer(a, b string) bool {
	na := exam.Normalize(a)
	return na != "" && na == exam.Normalize(b)
}
