package knowledge

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
)

// Index is an Okapi BM25 index over passages with a title boost and
// per-source filters. Build makes one in memory, Save writes it to disk and
// Open reads it back without re-tokenising. It is safe for concurrent
// searches.
//
// Scoring: for each distinct query term t with document frequency df among
// N passages, idf = ln(1 + (N-df+0.5)/(df+0.5)); in a passage with text
// frequency f, title frequency g, text length l and title length m,
// tf = f + boost*g and dl = l + boost*m, and the term adds
// idf * tf*(k1+1) / (tf + k1*(1-b+b*dl/avgdl)), multiplied by the number
// of times t occurs in the query. Equal scores rank by passage order.
type Index struct {
	opts                Options
	path                string
	data                []byte
	stem                bool
	nDocs, nTerms       int
	sumBody, sumTitle   uint64
	sources             []string
	docMeta             []byte
	termOffs, termBytes []byte
	df                  []byte
	postOffs, postings  []byte
	storeOffs, store    []byte
	idOrder             []byte
	norm                []float32 // per document: k1*(1-b+b*dl/avgdl)
	pool                sync.Pool // *accumulator
	printOnce           sync.Once
	print               string // see Fingerprint
}

var _ Source = (*Index)(nil)

// accumulator holds per-query scores; reused across queries.
type accumulator struct {
	score   []float64
	touched []uint32
}

// setParams fixes the search-time parameters and precomputes the length
// normalisation of every passage.
func (ix *Index) setParams(o Options) {
	ix.opts.Name, ix.opts.K1, ix.opts.B, ix.opts.TitleBoost = o.Name, o.K1, o.B, o.TitleBoost
	ix.opts.Stem = ix.stem
	boost := o.TitleBoost
	avg := 1.0
	if ix.nDocs > 0 {
		avg = (float64(ix.sumBody) + boost*float64(ix.sumTitle)) / float64(ix.nDocs)
	}
	if avg <= 0 {
		avg = 1
	}
	ix.norm = make([]float32, ix.nDocs)
	le := binary.LittleEndian
	for d := range ix.norm {
		dl := float64(le.Uint32(ix.docMeta[12*d:])) + boost*float64(le.Uint32(ix.docMeta[12*d+4:]))
		ix.norm[d] = float32(o.K1 * (1 - o.B + o.B*dl/avg))
	}
	ix.pool.New = func() any { return &accumulator{score: make([]float64, ix.nDocs)} }
}

// Name returns the source name given in Options (default "bm25").
func (ix *Index) Name() string { return ix.opts.Name }

// Len returns the number of passages.
func (ix *Index) Len() int { return ix.nDocs }

// Terms returns the vocabulary size.
func (ix *Index) Terms() int { return ix.nTerms }

// Sources returns the source names of the indexed passages in order of
// first appearance.
func (ix *Index) Sources() []string { return slices.Clone(ix.sources) }

// Stemmed reports whether the index was built with the S-stemmer.
func (ix *Index) Stemmed() bool { return ix.stem }

// Options returns the settings in effect (defaults filled in).
func (ix *Index) Options() Options { return ix.opts }

// SizeBytes returns the size of the index file image.
func (ix *Index) SizeBytes() int { return len(ix.data) }

// Path returns the file the index was opened from or saved to, or "".
func (ix *Index) Path() string { return ix.path }

// term returns vocabulary entry t.
func (ix *Index) term(t int) string {
	le := binary.LittleEndian
	return string(ix.termBytes[le.Uint32(ix.termOffs[4*t:]):le.Uint32(ix.termOffs[4*t+4:])])
}

// lookupTerm returns the id of term, or -1.
func (ix *Index) lookupTerm(term []byte) int {
	le := binary.LittleEndian
	t := sort.Search(ix.nTerms, func(i int) bool {
		return string(ix.termBytes[le.Uint32(ix.termOffs[4*i:]):le.Uint32(ix.termOffs[4*i+4:])]) >= string(term)
	})
	if t < ix.nTerms && string(ix.termBytes[le.Uint32(ix.termOffs[4*t:]):le.Uint32(ix.termOffs[4*t+4:])]) == string(term) {
		return t
	}
	return -1
}

// Passage returns passage number doc (its position when built).
func (ix *Index) Passage(doc int) (Passage, error) {
	if doc < 0 || doc >= ix.nDocs {
		return Passage{}, fmt.Errorf("bm25: passage %d out of range [0,%d)", doc, ix.nDocs)
	}
	le := binary.LittleEndian
	rec := ix.store[le.Uint64(ix.storeOffs[8*doc:]):le.Uint64(ix.storeOffs[8*doc+8:])]
	p, ok := decodeRecord(rec)
	if !ok {
		return Passage{}, fmt.Errorf("bm25: passage %d: damaged record", doc)
	}
	p.Source = ix.sources[le.Uint32(ix.docMeta[12*doc+8:])]
	return p, nil
}

// recordID returns the ID of passage doc without decoding the rest.
func (ix *Index) recordID(doc int) string {
	le := binary.LittleEndian
	rec := ix.store[le.Uint64(ix.storeOffs[8*doc:]):le.Uint64(ix.storeOffs[8*doc+8:])]
	id, _, _ := readString(rec)
	return id
}

// Get returns the passage with the given ID; ok is false when there is
// none.
func (ix *Index) Get(id string) (p Passage, ok bool, err error) {
	le := binary.LittleEndian
	i := sort.Search(ix.nDocs, func(i int) bool { return ix.recordID(int(le.Uint32(ix.idOrder[4*i:]))) >= id })
	if i == ix.nDocs {
		return Passage{}, false, nil
	}
	doc := int(le.Uint32(ix.idOrder[4*i:]))
	if ix.recordID(doc) != id {
		return Passage{}, false, nil
	}
	p, err = ix.Passage(doc)
	return p, err == nil, err
}

// Search returns at most k passages for q, best first. Query terms are
// tokenised like the index; a query with no known term gives no hits.
// q.Sources, when set, keeps only passages from those sources (unknown
// names match nothing). k <= 0 gives no hits. Errors come only from a
// cancelled context or a damaged index.
func (ix *Index) Search(ctx context.Context, q Query, k int) ([]Hit, error) {
	docs, scores, err := ix.search(ctx, q, k)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, len(docs))
	for i, d := range docs {
		p, err := ix.Passage(int(d))
		if err != nil {
			return nil, err
		}
		hits[i] = Hit{Passage: p, Score: scores[i]}
	}
	return hits, nil
}

// queryTerm is a distinct query term with its weight.
type queryTerm struct {
	id  int
	qtf float64
}

// search scores and ranks; it returns document numbers and scores.
func (ix *Index) search(ctx context.Context, q Query, k int) ([]uint32, []float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if k <= 0 || ix.nDocs == 0 {
		return nil, nil, nil
	}
	var terms []queryTerm
	Tokenizer{Stem: ix.stem}.Each(q.Text, func(t []byte) {
		id := ix.lookupTerm(t)
		if id < 0 {
			return
		}
		for i := range terms {
			if terms[i].id == id {
				terms[i].qtf++
				return
			}
		}
		terms = append(terms, queryTerm{id: id, qtf: 1})
	})
	if len(terms) == 0 {
		return nil, nil, nil
	}
	var allowed []bool
	if len(q.Sources) > 0 {
		allowed = make([]bool, len(ix.sources))
		some := false
		for i, s := range ix.sources {
			if slices.Contains(q.Sources, s) {
				allowed[i], some = true, true
			}
		}
		if !some {
			return nil, nil, nil
		}
	}
	acc := ix.pool.Get().(*accumulator)
	defer func() {
		for _, d := range acc.touched {
			acc.score[d] = 0
		}
		acc.touched = acc.touched[:0]
		ix.pool.Put(acc)
	}()
	if err := ix.accumulate(acc, terms); err != nil {
		return nil, nil, err
	}
	return ix.topK(acc, k, allowed)
}

// accumulate adds every query term's contribution to acc.
func (ix *Index) accumulate(acc *accumulator, terms []queryTerm) error {
	le := binary.LittleEndian
	k1, boost := ix.opts.K1, ix.opts.TitleBoost
	n := float64(ix.nDocs)
	for _, qt := range terms {
		df := float64(le.Uint32(ix.df[4*qt.id:]))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		w := idf * qt.qtf * (k1 + 1)
		p := ix.postings[le.Uint64(ix.postOffs[8*qt.id:]):le.Uint64(ix.postOffs[8*qt.id+8:])]
		doc := uint64(0)
		for len(p) > 0 {
			delta, a := binary.Uvarint(p)
			if a <= 0 {
				return ix.damaged(qt.id)
			}
			tfw, b := binary.Uvarint(p[a:])
			if b <= 0 {
				return ix.damaged(qt.id)
			}
			p = p[a+b:]
			tf := float64(tfw >> 1)
			if tfw&1 != 0 {
				g, c := binary.Uvarint(p)
				if c <= 0 {
					return ix.damaged(qt.id)
				}
				p = p[c:]
				tf += boost * float64(g)
			}
			doc += delta
			if doc >= uint64(ix.nDocs) {
				return ix.damaged(qt.id)
			}
			s := w * tf / (tf + float64(ix.norm[doc]))
			if acc.score[doc] == 0 {
				acc.touched = append(acc.touched, uint32(doc))
			}
			acc.score[doc] += s
		}
	}
	return nil
}

func (ix *Index) damaged(term int) error {
	return fmt.Errorf("bm25: postings of term %q are damaged", ix.term(term))
}

// topK selects the k best touched documents (score descending, then
// document number ascending) among allowed sources.
func (ix *Index) topK(acc *accumulator, k int, allowed []bool) ([]uint32, []float64, error) {
	le := binary.LittleEndian
	// h is a min-heap on (score, -doc): its root is the worst kept hit.
	h := make([]uint32, 0, k)
	worse := func(a, b uint32) bool { // a ranks below b
		sa, sb := acc.score[a], acc.score[b]
		return sa < sb || (sa == sb && a > b)
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && worse(h[r], h[l]) {
				m = r
			}
			if !worse(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for _, d := range acc.touched {
		if allowed != nil && !allowed[le.Uint32(ix.docMeta[12*d+8:])] {
			continue
		}
		if len(h) < k {
			h = append(h, d)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !worse(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if worse(h[0], d) {
			h[0] = d
			down(0)
		}
	}
	sort.Slice(h, func(i, j int) bool { return worse(h[j], h[i]) })
	scores := make([]float64, len(h))
	for i, d := range h {
		scores[i] = acc.score[d]
	}
	return h, scores, nil
}
