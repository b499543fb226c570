package knowledge

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/cemlab/cem/internal/atomicfile"
)

// The index file, all integers little-endian:
//
//	header   magic "CEMBM25\x00", version u32, flags u32 (bit 0: stemmed),
//	         docs u32, terms u32, sources u32, reserved u32,
//	         sum of text lengths u64, sum of title lengths u64,
//	         then numSections × (offset u64, length u64)
//	sources  per source: uvarint length, name bytes
//	docmeta  per document: text length u32, title length u32, source u32
//	termoffs terms+1 × u32: where each term starts in termbytes
//	termbytes the sorted vocabulary, concatenated
//	df       per term: number of documents u32
//	postoffs terms+1 × u64: where each term's postings start
//	postings per term, per document in increasing order: uvarint doc delta,
//	         uvarint (textTF<<1 | hasTitle), [uvarint titleTF]
//	storeoffs docs+1 × u64: where each passage record starts in store
//	store    per passage: uvarint-prefixed ID, Title, Text, URL, License,
//	         uvarint field count, then key and value pairs sorted by key
//	idorder  docs × u32: document numbers sorted by passage ID
//	trailer  CRC-32C of everything before it, u32
const (
	fileMagic   = "CEMBM25\x00"
	fileVersion = 1
	numSections = 10
	headerSize  = 48 + numSections*16
	flagStem    = 1
)

const (
	secSources = iota
	secDocMeta
	secTermOffs
	secTermBytes
	secDF
	secPostOffs
	secPostings
	secStoreOffs
	secStore
	secIDOrder
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// fileWriter lays out a built index.
type fileWriter struct {
	passages []Passage
	results  []*chunkResult
	terms    []string
	df       []uint32
	postings []byte
	postOffs []uint64
	opts     Options
}

func newFileWriter(passages []Passage, results []*chunkResult, terms []string, df []uint32, postings []byte, postOffs []uint64, opts Options) *fileWriter {
	return &fileWriter{passages, results, terms, df, postings, postOffs, opts}
}

// bytes returns the whole index file.
func (w *fileWriter) bytes() ([]byte, error) {
	var secs [numSections][]byte

	// Sources in order of first appearance.
	srcIdx := map[string]uint32{}
	var srcNames []string
	for i := range w.passages {
		s := w.passages[i].Source
		if _, ok := srcIdx[s]; !ok {
			srcIdx[s] = uint32(len(srcNames))
			srcNames = append(srcNames, s)
		}
	}
	for _, s := range srcNames {
		secs[secSources] = appendString(secs[secSources], s)
	}

	meta := make([]byte, 0, 12*len(w.passages))
	var sumBody, sumTitle uint64
	doc := 0
	for _, r := range w.results {
		for i := range r.bodyLen {
			meta = binary.LittleEndian.AppendUint32(meta, r.bodyLen[i])
			meta = binary.LittleEndian.AppendUint32(meta, r.titleLen[i])
			meta = binary.LittleEndian.AppendUint32(meta, srcIdx[w.passages[doc].Source])
			sumBody += uint64(r.bodyLen[i])
			sumTitle += uint64(r.titleLen[i])
			doc++
		}
	}
	secs[secDocMeta] = meta

	var termOffs, termBytes []byte
	for _, t := range w.terms {
		termOffs = binary.LittleEndian.AppendUint32(termOffs, uint32(len(termBytes)))
		termBytes = append(termBytes, t...)
	}
	if len(termBytes) > math.MaxUint32 {
		return nil, errors.New("bm25: vocabulary over 4 GiB")
	}
	secs[secTermOffs] = binary.LittleEndian.AppendUint32(termOffs, uint32(len(termBytes)))
	secs[secTermBytes] = termBytes
	for _, n := range w.df {
		secs[secDF] = binary.LittleEndian.AppendUint32(secs[secDF], n)
	}
	for _, o := range w.postOffs {
		secs[secPostOffs] = binary.LittleEndian.AppendUint64(secs[secPostOffs], o)
	}
	secs[secPostings] = w.postings
	w.postings = nil

	var storeOffs []byte
	storeLen := uint64(0)
	for _, r := range w.results {
		for _, o := range r.storeOffs[:len(r.storeOffs)-1] {
			storeOffs = binary.LittleEndian.AppendUint64(storeOffs, storeLen+o)
		}
		storeLen += uint64(len(r.store))
	}
	secs[secStoreOffs] = binary.LittleEndian.AppendUint64(storeOffs, storeLen)

	order := make([]uint32, len(w.passages))
	for i := range order {
		order[i] = uint32(i)
	}
	sort.Slice(order, func(a, b int) bool { return w.passages[order[a]].ID < w.passages[order[b]].ID })
	for _, d := range order {
		secs[secIDOrder] = binary.LittleEndian.AppendUint32(secs[secIDOrder], d)
	}

	// Lay the sections out in one buffer of the final size, dropping each
	// section (and the chunks' passage records) once copied, so the file
	// image does not coexist with a second copy of everything.
	total := headerSize + 4 + int(storeLen)
	for _, s := range secs {
		total += len(s)
	}
	out := make([]byte, headerSize, total)
	copy(out, fileMagic)
	le := binary.LittleEndian
	le.PutUint32(out[8:], fileVersion)
	if w.opts.Stem {
		le.PutUint32(out[12:], flagStem)
	}
	le.PutUint32(out[16:], uint32(len(w.passages)))
	le.PutUint32(out[20:], uint32(len(w.terms)))
	le.PutUint32(out[24:], uint32(len(srcNames)))
	le.PutUint64(out[32:], sumBody)
	le.PutUint64(out[40:], sumTitle)
	for i := range secs {
		start := len(out)
		if i == secStore {
			for _, r := range w.results {
				out = append(out, r.store...)
				r.store = nil
			}
		} else {
			out = append(out, secs[i]...)
			secs[i] = nil
		}
		le.PutUint64(out[48+16*i:], uint64(start))
		le.PutUint64(out[56+16*i:], uint64(len(out)-start))
	}
	w.postings = nil
	return le.AppendUint32(out, crc32.Checksum(out, crcTable)), nil
}

// Save writes the index to path through a temporary file and a rename,
// creating the parent folder.
func (ix *Index) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(path, ix.data, 0o600); err != nil {
		return fmt.Errorf("save index %s: %w", path, err)
	}
	ix.path = path
	return nil
}

// Open reads an index file written by Save in one go and checks its
// checksum and structure; searching it needs no re-tokenising. opts gives
// the search-time settings (Name, K1, B, TitleBoost); Stem and Workers are
// ignored (the file records how it was built). A damaged or foreign file
// is an error naming the path and what is wrong.
func Open(path string, opts Options) (*Index, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	opts.applyDefaults()
	ix, err := parseIndex(data, path, opts)
	if err != nil {
		return nil, err
	}
	ix.path = path
	return ix, nil
}

// parseIndex checks an index file image and returns an Index over it.
func parseIndex(data []byte, name string, opts Options) (*Index, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a usable cem BM25 index: %s", name, fmt.Sprintf(format, args...))
	}
	if len(data) < headerSize+4 || string(data[:8]) != fileMagic {
		return nil, bad("bad magic or too short (%d bytes)", len(data))
	}
	le := binary.LittleEndian
	if v := le.Uint32(data[8:]); v != fileVersion {
		return nil, bad("format version %d, this cem reads %d; rebuild with `cem index build`", v, fileVersion)
	}
	body := data[:len(data)-4]
	if got, want := crc32.Checksum(body, crcTable), le.Uint32(data[len(data)-4:]); got != want {
		return nil, bad("checksum mismatch (file damaged or truncated)")
	}
	ix := &Index{
		data:     data,
		opts:     opts,
		stem:     le.Uint32(data[12:])&flagStem != 0,
		nDocs:    int(le.Uint32(data[16:])),
		nTerms:   int(le.Uint32(data[20:])),
		sumBody:  le.Uint64(data[32:]),
		sumTitle: le.Uint64(data[40:]),
	}
	nSrc := int(le.Uint32(data[24:]))
	var secs [numSections][]byte
	for i := range secs {
		off, n := le.Uint64(data[48+16*i:]), le.Uint64(data[56+16*i:])
		if off < headerSize || off > uint64(len(body)) || n > uint64(len(body))-off {
			return nil, bad("section %d at %d+%d lies outside the file", i, off, n)
		}
		secs[i] = body[off : off+n]
	}
	want := map[int]int{
		secDocMeta: 12 * ix.nDocs, secTermOffs: 4 * (ix.nTerms + 1), secDF: 4 * ix.nTerms,
		secPostOffs: 8 * (ix.nTerms + 1), secStoreOffs: 8 * (ix.nDocs + 1), secIDOrder: 4 * ix.nDocs,
	}
	for s, n := range want {
		if len(secs[s]) != n {
			return nil, bad("section %d has %d bytes, want %d", s, len(secs[s]), n)
		}
	}
	src := secs[secSources]
	for i := 0; i < nSrc; i++ {
		s, rest, ok := readString(src)
		if !ok {
			return nil, bad("source name %d is cut short", i)
		}
		ix.sources = append(ix.sources, s)
		src = rest
	}
	ix.docMeta, ix.termOffs, ix.termBytes = secs[secDocMeta], secs[secTermOffs], secs[secTermBytes]
	ix.df, ix.postOffs, ix.postings = secs[secDF], secs[secPostOffs], secs[secPostings]
	ix.storeOffs, ix.store, ix.idOrder = secs[secStoreOffs], secs[secStore], secs[secIDOrder]
	if err := ix.checkOffsets(); err != nil {
		return nil, bad("%v", err)
	}
	ix.setParams(opts)
	return ix, nil
}

// checkOffsets verifies that every offset table is non-decreasing and
// ends inside its section, and that document fields are in range, so that
// searching can slice without further checks.
func (ix *Index) checkOffsets() error {
	le := binary.LittleEndian
	mono32 := func(name string, b []byte, limit int) error {
		prev := uint32(0)
		for i := 0; i < len(b); i += 4 {
			v := le.Uint32(b[i:])
			if v < prev || int(v) > limit {
				return fmt.Errorf("%s entry %d out of order or range", name, i/4)
			}
			prev = v
		}
		return nil
	}
	mono64 := func(name string, b []byte, limit int) error {
		prev := uint64(0)
		for i := 0; i < len(b); i += 8 {
			v := le.Uint64(b[i:])
			if v < prev || v > uint64(limit) {
				return fmt.Errorf("%s entry %d out of order or range", name, i/8)
			}
			prev = v
		}
		return nil
	}
	if err := mono32("term offsets", ix.termOffs, len(ix.termBytes)); err != nil {
		return err
	}
	if err := mono64("posting offsets", ix.postOffs, len(ix.postings)); err != nil {
		return err
	}
	if err := mono64("store offsets", ix.storeOffs, len(ix.store)); err != nil {
		return err
	}
	for d := 0; d < ix.nDocs; d++ {
		if int(le.Uint32(ix.docMeta[12*d+8:])) >= len(ix.sources) {
			return fmt.Errorf("document %d has an unknown source", d)
		}
		if int(le.Uint32(ix.idOrder[4*d:])) >= ix.nDocs {
			return fmt.Errorf("id order entry %d out of range", d)
		}
	}
	for t := 1; t < ix.nTerms; t++ {
		if strings.Compare(ix.term(t-1), ix.term(t)) >= 0 {
			return fmt.Errorf("vocabulary not sorted at term %d", t)
		}
	}
	return nil
}

// appendRecord encodes a passage (without its Source) into the store.
func appendRecord(b []byte, p *Passage) []byte {
	for _, s := range []string{p.ID, p.Title, p.Text, p.URL, p.License} {
		b = appendString(b, s)
	}
	keys := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, p.Fields[k])
	}
	return b
}

// decodeRecord is the inverse of appendRecord.
func decodeRecord(b []byte) (Passage, bool) {
	var p Passage
	var ok bool
	for _, dst := range []*string{&p.ID, &p.Title, &p.Text, &p.URL, &p.License} {
		if *dst, b, ok = readString(b); !ok {
			return p, false
		}
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return p, false
	}
	b = b[k:]
	if n > 0 {
		p.Fields = make(map[string]string, n)
	}
	for i := uint64(0); i < n; i++ {
		var key, val string
		if key, b, ok = readString(b); !ok {
			return p, false
		}
		if val, b, ok = readString(b); !ok {
			return p, false
		}
		p.Fields[key] = val
	}
	return p, true
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// readString reads a uvarint-prefixed string; ok is false when b is short.
func readString(b []byte) (s string, rest []byte, ok bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return "", b, false
	}
	return string(b[k : k+int(n)]), b[k+int(n):], true
}

// appendPosting encodes one posting.
func appendPosting(b []byte, delta, bodyTF, titleTF uint32) []byte {
	b = binary.AppendUvarint(b, uint64(delta))
	if titleTF == 0 {
		return binary.AppendUvarint(b, uint64(bodyTF)<<1)
	}
	b = binary.AppendUvarint(b, uint64(bodyTF)<<1|1)
	return binary.AppendUvarint(b, uint64(titleTF))
}
