package knowledge

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// Options configure an Index. The zero value gives the defaults.
type Options struct {
	// Name is the Source name reported in provenance; default "bm25".
	Name string
	// K1 and B are the Okapi BM25 parameters; defaults 1.2 and 0.75.
	// Set B to a tiny positive value rather than 0 for no length
	// normalisation (0 means "default").
	K1, B float64
	// TitleBoost weighs a term occurrence in the title against one in the
	// text (BM25F-style: the title's frequencies and length are multiplied
	// by it); default 2. It applies at search time, so it can differ from
	// the value used when the index was built.
	TitleBoost float64
	// Stem applies the S-stemmer to terms (build time only; an opened
	// index uses the setting it was built with).
	Stem bool
	// Workers tokenise in parallel; default GOMAXPROCS. The result does
	// not depend on it.
	Workers int
}

func (o *Options) applyDefaults() {
	if o.Name == "" {
		o.Name = "bm25"
	}
	if o.K1 == 0 {
		o.K1 = 1.2
	}
	if o.B == 0 {
		o.B = 0.75
	}
	if o.TitleBoost == 0 {
		o.TitleBoost = 2
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
}

// maxTitleTF caps a term's count in one title (titles are short).
const maxTitleTF = 255

// chunkResult is one worker's tokenised run of consecutive passages.
type chunkResult struct {
	terms     []string // local term id -> term
	pairs     []uint64 // per doc, sorted by local id: id<<32 | bodyTF<<8 | titleTF
	docStart  []uint32 // docStart[i] is the first pair of doc i of the chunk
	bodyLen   []uint32 // terms in the text
	titleLen  []uint32 // terms in the title
	localToG  []uint32 // filled by the merge
	store     []byte   // encoded passage records
	storeOffs []uint64 // record offsets within store, len docs+1
	err       error
}

// Build indexes passages (in order: a passage's position is its document
// number, which breaks score ties) and returns a searchable in-memory
// Index. Passages need a non-empty ID unique across all of them and a
// non-empty Source; a violation is an error naming the passage. Building
// tokenises on opts.Workers goroutines; the index is byte-identical
// whatever the number of workers.
func Build(ctx context.Context, passages []Passage, opts Options) (*Index, error) {
	opts.applyDefaults()
	if len(passages) >= math.MaxUint32 {
		return nil, fmt.Errorf("bm25: %d passages is too many", len(passages))
	}
	seen := make(map[string]int, len(passages))
	for i, p := range passages {
		if p.ID == "" || p.Source == "" {
			return nil, fmt.Errorf("bm25: passage %d (%q): empty ID or Source", i, p.ID)
		}
		if j, dup := seen[p.ID]; dup {
			return nil, fmt.Errorf("bm25: passage %d: ID %q already used by passage %d", i, p.ID, j)
		}
		seen[p.ID] = i
	}
	seen = nil
	tok := Tokenizer{Stem: opts.Stem}
	chunks := splitChunks(len(passages), opts.Workers)
	results := make([]*chunkResult, len(chunks))
	var wg sync.WaitGroup
	for ci, c := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[ci] = tokenizeChunk(ctx, tok, passages[c[0]:c[1]])
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
	}
	data, err := assemble(passages, results, opts)
	if err != nil {
		return nil, err
	}
	return parseIndex(data, "(built in memory)", opts)
}

// splitChunks cuts n documents into at most w contiguous [start,end) runs.
func splitChunks(n, w int) [][2]int {
	if w > n {
		w = n
	}
	if w < 1 {
		w = 1
	}
	var out [][2]int
	for i := 0; i < w; i++ {
		out = append(out, [2]int{n * i / w, n * (i + 1) / w})
	}
	return out
}

// tokenizeChunk tokenises and encodes one run of passages.
func tokenizeChunk(ctx context.Context, tok Tokenizer, ps []Passage) *chunkResult {
	r := &chunkResult{
		docStart:  make([]uint32, 0, len(ps)+1),
		bodyLen:   make([]uint32, len(ps)),
		titleLen:  make([]uint32, len(ps)),
		storeOffs: make([]uint64, 0, len(ps)+1),
	}
	vocab := map[string]uint32{}
	id := func(term []byte) uint32 {
		if v, ok := vocab[string(term)]; ok {
			return v
		}
		s := string(term)
		v := uint32(len(r.terms))
		vocab[s] = v
		r.terms = append(r.terms, s)
		return v
	}
	var body, title []uint32
	for i := range ps {
		if i%1024 == 0 && ctx.Err() != nil {
			r.err = ctx.Err()
			return r
		}
		p := &ps[i]
		body, title = body[:0], title[:0]
		tok.Each(p.Text, func(t []byte) { body = append(body, id(t)) })
		tok.Each(p.Title, func(t []byte) { title = append(title, id(t)) })
		r.bodyLen[i], r.titleLen[i] = uint32(len(body)), uint32(len(title))
		r.docStart = append(r.docStart, uint32(len(r.pairs)))
		r.pairs = appendPairs(r.pairs, body, title)
		r.storeOffs = append(r.storeOffs, uint64(len(r.store)))
		r.store = appendRecord(r.store, p)
	}
	r.docStart = append(r.docStart, uint32(len(r.pairs)))
	r.storeOffs = append(r.storeOffs, uint64(len(r.store)))
	return r
}

// appendPairs appends one document's (term, bodyTF, titleTF) triples,
// sorted by term id. body and title are reordered.
func appendPairs(pairs []uint64, body, title []uint32) []uint64 {
	slices.Sort(body)
	slices.Sort(title)
	i, j := 0, 0
	for i < len(body) || j < len(title) {
		var t uint32
		switch {
		case j >= len(title) || (i < len(body) && body[i] < title[j]):
			t = body[i]
		default:
			t = title[j]
		}
		var bt, tt uint64
		for i < len(body) && body[i] == t {
			bt++
			i++
		}
		for j < len(title) && title[j] == t {
			tt++
			j++
		}
		if tt > maxTitleTF {
			tt = maxTitleTF
		}
		if bt > 1<<24-1 {
			bt = 1<<24 - 1
		}
		pairs = append(pairs, uint64(t)<<32|bt<<8|tt)
	}
	return pairs
}

// assemble merges the chunks into the index file layout (see bm25_file.go).
func assemble(passages []Passage, results []*chunkResult, opts Options) ([]byte, error) {
	// Vocabulary: the sorted union of the chunks' terms.
	var all []string
	for _, r := range results {
		all = append(all, r.terms...)
	}
	sort.Strings(all)
	all = slices.Compact(all)
	global := make(map[string]uint32, len(all))
	for i, t := range all {
		global[t] = uint32(i)
	}
	for _, r := range results {
		r.localToG = make([]uint32, len(r.terms))
		for i, t := range r.terms {
			r.localToG[i] = global[t]
		}
	}
	global = nil

	// Postings in CSR form: count, offsets, fill in document order.
	df := make([]uint32, len(all))
	for _, r := range results {
		for _, p := range r.pairs {
			df[r.localToG[p>>32]]++
		}
	}
	start := make([]uint64, len(all)+1)
	for i, n := range df {
		start[i+1] = start[i] + uint64(n)
	}
	docs := make([]uint32, start[len(all)])
	tfs := make([]uint32, start[len(all)])
	fill := slices.Clone(start[:len(all)])
	doc := uint32(0)
	for _, r := range results {
		for d := 0; d+1 < len(r.docStart); d++ {
			for _, p := range r.pairs[r.docStart[d]:r.docStart[d+1]] {
				g := r.localToG[p>>32]
				docs[fill[g]] = doc
				tfs[fill[g]] = uint32(p)
				fill[g]++
			}
			doc++
		}
		r.pairs = nil
	}
	postings, postOffs := encodePostings(docs, tfs, start, opts.Workers)
	docs, tfs = nil, nil

	w := newFileWriter(passages, results, all, df, postings, postOffs, opts)
	return w.bytes()
}

// encodePostings varint-encodes every term's postings, term ranges in
// parallel, and returns the concatenated bytes and per-term offsets.
func encodePostings(docs, tfs []uint32, start []uint64, workers int) ([]byte, []uint64) {
	nTerms := len(start) - 1
	parts := splitChunks(nTerms, workers)
	bufs := make([][]byte, len(parts))
	offs := make([]uint64, nTerms+1)
	var wg sync.WaitGroup
	for pi, c := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b []byte
			for t := c[0]; t < c[1]; t++ {
				offs[t] = uint64(len(b))
				prev := uint32(0)
				for k := start[t]; k < start[t+1]; k++ {
					b = appendPosting(b, docs[k]-prev, tfs[k]>>8, tfs[k]&0xff)
					prev = docs[k]
				}
			}
			bufs[pi] = b
		}()
	}
	wg.Wait()
	var out []byte
	base := uint64(0)
	for pi, c := range parts {
		for t := c[0]; t < c[1]; t++ {
			offs[t] += base
		}
		out = append(out, bufs[pi]...)
		base += uint64(len(bufs[pi]))
	}
	offs[nTerms] = base
	return out, offs
}
