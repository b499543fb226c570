package tokenizer

// bpe returns the ids of one pre-token: its bytes, merged by rank, lowest
// rank first and leftmost first among equal ranks.
func (t *Tokenizer) bpe(w string) []int32 {
	if len(w) > longWord {
		return t.bpeHeap(w)
	}
	return t.bpeScan(w)
}

// bpeScan is the quadratic reference merger: find the lowest-ranked
// adjacent pair (leftmost on ties), merge it, repeat.
func (t *Tokenizer) bpeScan(w string) []int32 {
	syms := make([]int32, len(w))
	for i := 0; i < len(w); i++ {
		syms[i] = int32(w[i])
	}
	for len(syms) > 1 {
		best, at := int32(-1), -1
		for i := 0; i+1 < len(syms); i++ {
			if r, ok := t.ranks[pairKey(syms[i], syms[i+1])]; ok && (at < 0 || r < best) {
				best, at = r, i
			}
		}
		if at < 0 {
			break
		}
		syms[at] = int32(firstMerge) + best
		syms = append(syms[:at+1], syms[at+2:]...)
	}
	return syms
}

// candidate is a mergeable adjacent pair in bpeHeap: the symbols at
// positions left and right held ids l and r when it was queued.
type candidate struct {
	rank, left, right, l, r int32
}

// candidateLess orders candidates by rank, then leftmost first.
func candidateLess(x, y candidate) bool {
	if x.rank != y.rank {
		return x.rank < y.rank
	}
	return x.left < y.left
}

// bpeHeap gives the same result as bpeScan in O(n log n), for long words:
// symbols form a linked list and candidate pairs wait in a heap ordered by
// (rank, position); entries whose symbols changed are skipped when popped.
func (t *Tokenizer) bpeHeap(w string) []int32 {
	n := len(w)
	id := make([]int32, n)
	next := make([]int32, n) // -1 at the end
	prev := make([]int32, n) // -1 at the start
	alive := make([]bool, n)
	for i := range n {
		id[i], next[i], prev[i], alive[i] = int32(w[i]), int32(i+1), int32(i-1), true
	}
	next[n-1] = -1
	h := &queue[candidate]{items: make([]candidate, 0, n), less: candidateLess}
	push := func(a int32) {
		if a < 0 || next[a] < 0 {
			return
		}
		b := next[a]
		if r, ok := t.ranks[pairKey(id[a], id[b])]; ok {
			h.push(candidate{rank: r, left: a, right: b, l: id[a], r: id[b]})
		}
	}
	for i := range n - 1 {
		push(int32(i))
	}
	for h.Len() > 0 {
		c := h.pop()
		if !alive[c.left] || !alive[c.right] || next[c.left] != c.right || id[c.left] != c.l || id[c.right] != c.r {
			continue // stale
		}
		id[c.left] = int32(firstMerge) + c.rank
		alive[c.right] = false
		next[c.left] = next[c.right]
		if nx := next[c.right]; nx >= 0 {
			prev[nx] = c.left
		}
		push(prev[c.left])
		push(c.left)
	}
	out := make([]int32, 0, n/2+1)
	for i := int32(0); i >= 0; i = next[i] {
		out = append(out, id[i])
	}
	return out
}
