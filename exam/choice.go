package exam

import (
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strconv"
)

// MultipleChoice returns a multiple-choice version of every open item in
// items that has enough distractors: k choices (k >= 2), the gold answer
// at a seeded random position and k-1 distractors drawn, seeded, from the
// answers of other items of the same pool: the same Relation (or Topic
// when Relation is empty) and Variant, so capitals compete with capitals
// and countries with countries. A distractor never equals the answer or
// one of its aliases after Normalize, and never repeats. Items already
// multiple choice, and open items whose pool is too small, are left out.
//
// The new item has ID "<id>-mc<k>", the same Fact, Subject, Relation,
// Object and Variant, and no aliases. The result is the same for the same
// items, k and seed.
func MultipleChoice(items []Item, k int, seed uint64) []Item {
	if k < 2 {
		return nil
	}
	pools := map[string][]string{}
	seen := map[string]map[string]bool{}
	for i := range items {
		it := &items[i]
		if !it.Answer.IsOpen() {
			continue
		}
		key := poolKey(it)
		n := Normalize(it.Answer.Text)
		if seen[key] == nil {
			seen[key] = map[string]bool{}
		}
		if n == "" || seen[key][n] {
			continue
		}
		seen[key][n] = true
		pools[key] = append(pools[key], it.Answer.Text)
	}
	for _, p := range pools {
		sort.Strings(p) // independent of item order
	}
	var out []Item
	for i := range items {
		it := &items[i]
		if !it.Answer.IsOpen() {
			continue
		}
		if mc, ok := makeChoice(it, pools[poolKey(it)], k, seed); ok {
			out = append(out, mc)
		}
	}
	return out
}

// poolKey groups items whose answers can stand in for each other.
func poolKey(it *Item) string {
	r := it.Relation
	if r == "" {
		r = it.Topic
	}
	return r + "\x00" + it.Variant
}

// makeChoice builds the multiple-choice version of one item.
func makeChoice(it *Item, pool []string, k int, seed uint64) (Item, bool) {
	golds := map[string]bool{}
	for _, g := range it.Golds() {
		golds[Normalize(g)] = true
	}
	rng := rand.New(rand.NewPCG(seed, hashString(it.ID)))
	// Draw without replacement by walking a seeded permutation.
	choices := make([]string, 0, k)
	used := map[string]bool{}
	for _, j := range rng.Perm(len(pool)) {
		c := pool[j]
		n := Normalize(c)
		if golds[n] || used[n] {
			continue
		}
		used[n] = true
		choices = append(choices, c)
		if len(choices) == k-1 {
			break
		}
	}
	if len(choices) < k-1 {
		return Item{}, false
	}
	pos := rng.IntN(k)
	choices = append(choices, "")
	copy(choices[pos+1:], choices[pos:])
	choices[pos] = it.Answer.Text
	mc := *it
	mc.ID = it.ID + "-mc" + strconv.Itoa(k)
	mc.Choices = choices
	mc.Answer = Answer{Index: pos, Text: it.Answer.Text}
	mc.Aliases = nil
	return mc, true
}

// hashString is FNV-1a of s, used to derive per-item random streams.
func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
