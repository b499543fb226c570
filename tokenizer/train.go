package tokenizer

import (
	"fmt"
	"slices"
)

// minPairCount is the fewest occurrences a pair needs to be merged: a pair
// seen once teaches nothing and would only waste a vocabulary slot.
const minPairCount = 2

// maxTrainWord is the longest pre-token training learns from: longer ones
// (long runs of letters, spaces or symbols) are rare, teach little and
// would make every merge that touches them cost their length.
const maxTrainWord = 256

// Train learns a byte-level BPE vocabulary of at most vocabSize tokens
// (256 bytes + 5 special tokens + merges) from texts.
//
// Texts are split into pre-tokens (see package doc) and counted, leaving
// out pre-tokens longer than 256 bytes; then the
// most frequent adjacent pair of tokens is merged, again and again, until
// the vocabulary is full or no pair occurs at least twice, so VocabSize of
// the result can be below vocabSize. Ties between equally frequent pairs go
// to the smaller left id, then the smaller right id, so training is
// deterministic: the same texts give the same tokenizer (the order of texts
// does not matter).
//
// Train fails when vocabSize is below MinVocabSize or above 1<<24. Pair
// counts are updated incrementally, so training costs about the text size
// plus, per merge, the words that contain the merged pair.
func Train(texts []string, vocabSize int) (*Tokenizer, error) {
	if vocabSize < MinVocabSize || vocabSize > maxVocabLen {
		return nil, fmt.Errorf("tokenizer: train: vocabulary size %d out of range [%d, %d]",
			vocabSize, MinVocabSize, maxVocabLen)
	}
	freq := make(map[string]int64)
	for _, s := range texts {
		for i := 0; i < len(s); {
			j := nextWord(s, i)
			if j-i <= maxTrainWord {
				freq[s[i:j]]++
			}
			i = j
		}
	}
	words := make([]string, 0, len(freq))
	for w := range freq {
		words = append(words, w)
	}
	slices.Sort(words)
	tr := newTrainer(words, freq)
	return newTokenizer(tr.run(vocabSize - firstMerge)), nil
}

// trainWord is one distinct pre-token: its current symbols and how often
// it occurs.
type trainWord struct {
	syms []int32
	freq int64
}

// pairEntry is a heap entry: pair (a, b) had count when it was pushed.
type pairEntry struct {
	count int64
	a, b  int32
}

// pairLess puts the larger count first, then the smaller (a, b).
func pairLess(x, y pairEntry) bool {
	if x.count != y.count {
		return x.count > y.count
	}
	if x.a != y.a {
		return x.a < y.a
	}
	return x.b < y.b
}

// trainer holds the incremental state of BPE training. count is the
// weighted number of occurrences of each adjacent pair; where lists, for
// each pair, words that contain or once contained it (stale entries are
// checked on use); the heap holds pairs with stale entries skipped on pop.
type trainer struct {
	words []trainWord
	count map[uint64]int64
	where map[uint64][]int32
	heap  queue[pairEntry]
	delta map[uint64]int64 // count changes within one merge step
	stamp []int            // the step that last visited each word
}

func newTrainer(words []string, freq map[string]int64) *trainer {
	tr := &trainer{
		words: make([]trainWord, len(words)),
		count: make(map[uint64]int64),
		where: make(map[uint64][]int32),
		delta: make(map[uint64]int64),
		stamp: make([]int, len(words)),
		heap:  queue[pairEntry]{less: pairLess},
	}
	for wi, w := range words {
		syms := make([]int32, len(w))
		for i := 0; i < len(w); i++ {
			syms[i] = int32(w[i])
		}
		f := freq[w]
		tr.words[wi] = trainWord{syms: syms, freq: f}
		for i := 0; i+1 < len(syms); i++ {
			k := pairKey(syms[i], syms[i+1])
			tr.count[k] += f
			tr.noteWord(k, int32(wi))
		}
	}
	for k, c := range tr.count {
		if c >= minPairCount {
			tr.heap.items = append(tr.heap.items, pairEntry{count: c, a: int32(k >> 32), b: int32(uint32(k))})
		}
	}
	tr.heap.init()
	return tr
}

// noteWord records that word wi contains pair k.
func (tr *trainer) noteWord(k uint64, wi int32) {
	l := tr.where[k]
	if len(l) > 0 && l[len(l)-1] == wi {
		return
	}
	tr.where[k] = append(l, wi)
}

// run performs up to n merges and returns them in rank order.
func (tr *trainer) run(n int) [][2]int32 {
	merges := make([][2]int32, 0, n)
	for step := 1; len(merges) < n && tr.heap.Len() > 0; {
		e := tr.heap.pop()
		k := pairKey(e.a, e.b)
		if tr.count[k] != e.count {
			continue // stale
		}
		if e.count < minPairCount {
			break
		}
		newID := int32(firstMerge + len(merges))
		merges = append(merges, [2]int32{e.a, e.b})
		for _, wi := range tr.where[k] {
			if tr.stamp[wi] == step {
				continue
			}
			tr.stamp[wi] = step
			tr.mergeWord(wi, e.a, e.b, newID)
		}
		delete(tr.where, k)
		for p, d := range tr.delta {
			if d == 0 {
				continue
			}
			c := tr.count[p] + d
			if c <= 0 {
				delete(tr.count, p)
				continue
			}
			tr.count[p] = c
			if c >= minPairCount {
				tr.heap.push(pairEntry{count: c, a: int32(p >> 32), b: int32(uint32(p))})
			}
		}
		clear(tr.delta)
		step++
	}
	return merges
}

// mergeWord replaces every occurrence of (a, b) in word wi by c, left to
// right, recording the pair-count changes in tr.delta.
func (tr *trainer) mergeWord(wi int32, a, b, c int32) {
	w := &tr.words[wi]
	s := w.syms
	found := false
	for i := 0; i+1 < len(s); i++ {
		if s[i] == a && s[i+1] == b {
			found = true
			break
		}
	}
	if !found {
		return
	}
	for i := 0; i+1 < len(s); i++ {
		tr.delta[pairKey(s[i], s[i+1])] -= w.freq
	}
	out := s[:0]
	for i := 0; i < len(s); {
		if i+1 < len(s) && s[i] == a && s[i+1] == b {
			out = append(out, c)
			i += 2
			continue
		}
		out = append(out, s[i])
		i++
	}
	w.syms = out
	for i := 0; i+1 < len(out); i++ {
		k := pairKey(out[i], out[i+1])
		tr.delta[k] += w.freq
		if out[i] == c || out[i+1] == c {
			tr.noteWord(k, wi)
		}
	}
}
