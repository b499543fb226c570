package wordnet

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// DB is a WordNet database held in memory. It is safe for concurrent
// reads once Open returns.
type DB struct {
	// Synsets holds every synset in a stable order: nouns, verbs,
	// adjectives (with satellites), adverbs, each in file order.
	Synsets []*Synset
	byKey   map[Key]*Synset
	// index maps "pos:lemma" (lower case, spaces) to synset keys in
	// sense-frequency order, from the index.* files.
	index map[string][]Key
}

// posFiles lists the database file suffixes in the order Open keeps.
var posFiles = []struct {
	suffix string
	pos    POS
}{{"noun", Noun}, {"verb", Verb}, {"adj", Adj}, {"adv", Adv}}

// Open reads data.{noun,verb,adj,adv} and index.{noun,verb,adj,adv} from
// dir. A missing index file is tolerated (Lookup then falls back to the
// data files' lemmas in file order); a missing data file is an error
// wrapping fs.ErrNotExist. Parse errors are *ParseError values naming the
// file and line. Pointers to synsets absent from the database are an
// error too, so every Key reachable from a synset resolves.
func Open(dir string) (*DB, error) {
	type part struct {
		syns  []*Synset
		index map[string][]Key
		err   error
	}
	parts := make([]part, len(posFiles))
	var wg sync.WaitGroup
	for i, pf := range posFiles {
		wg.Go(func() {
			p := &parts[i]
			p.syns, p.err = readDataFile(filepath.Join(dir, "data."+pf.suffix))
			if p.err != nil {
				return
			}
			p.index, p.err = readIndexFile(filepath.Join(dir, "index."+pf.suffix))
			if errors.Is(p.err, os.ErrNotExist) {
				p.index, p.err = nil, nil
			}
		})
	}
	wg.Wait()
	db := &DB{byKey: make(map[Key]*Synset, 120000), index: make(map[string][]Key, 160000)}
	for _, p := range parts {
		if p.err != nil {
			return nil, p.err
		}
		db.Synsets = append(db.Synsets, p.syns...)
		for k, v := range p.index {
			db.index[k] = v
		}
	}
	for _, s := range db.Synsets {
		db.byKey[s.Key()] = s
	}
	for i, p := range parts {
		if p.index == nil {
			db.indexFromData(posFiles[i].pos, p.syns)
		}
	}
	for _, s := range db.Synsets {
		for _, p := range s.Pointers {
			if db.byKey[p.Target.norm()] == nil {
				return nil, fmt.Errorf("wordnet: synset %s: pointer %s to missing synset %s",
					s.ID(), p.Symbol, p.Target.ID())
			}
		}
	}
	return db, nil
}

// readDataFile parses one data.* file.
func readDataFile(path string) ([]*Synset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wordnet: %w", err)
	}
	defer f.Close()
	var out []*Synset
	err = ReadData(bufio.NewReaderSize(f, 1<<20), filepath.Base(path), func(s *Synset) error {
		out = append(out, s)
		return nil
	})
	return out, err
}

// readIndexFile parses one index.* file into "pos:lemma" -> keys.
func readIndexFile(path string) (map[string][]Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wordnet: %w", err)
	}
	defer f.Close()
	out := make(map[string][]Key)
	err = ReadIndex(bufio.NewReaderSize(f, 1<<20), filepath.Base(path), func(e IndexEntry) error {
		out[indexKey(e.POS, e.Lemma)] = e.Synsets
		return nil
	})
	return out, err
}

// indexFromData fills the lemma index of pos from synsets when no index
// file was found.
func (db *DB) indexFromData(pos POS, syns []*Synset) {
	for _, s := range syns {
		for _, l := range s.Lemmas {
			k := indexKey(pos, l)
			db.index[k] = append(db.index[k], s.Key())
		}
	}
}

// indexKey is the lemma index key of lemma with part of speech pos.
func indexKey(pos POS, lemma string) string {
	if pos == AdjSat {
		pos = Adj
	}
	return string(rune(pos)) + ":" + strings.ToLower(strings.ReplaceAll(lemma, "_", " "))
}

// Synset returns the synset with key k (AdjSat and Adj are the same), or
// nil when there is none.
func (db *DB) Synset(k Key) *Synset { return db.byKey[k.norm()] }

// Lookup returns the synsets of lemma with part of speech pos, most
// frequent sense first. lemma is matched case-insensitively, with spaces
// or underscores. It returns nil when the lemma is unknown.
func (db *DB) Lookup(lemma string, pos POS) []*Synset {
	keys := db.index[indexKey(pos, strings.TrimSpace(lemma))]
	out := make([]*Synset, 0, len(keys))
	for _, k := range keys {
		if s := db.byKey[k.norm()]; s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Related returns the synsets s points to with symbol, in file order.
func (db *DB) Related(s *Synset, symbol string) []*Synset {
	keys := s.Targets(symbol)
	out := make([]*Synset, 0, len(keys))
	for _, k := range keys {
		if t := db.byKey[k]; t != nil {
			out = append(out, t)
		}
	}
	return out
}

// Hypernyms returns the "@" targets of s (its more general classes).
func (db *DB) Hypernyms(s *Synset) []*Synset { return db.Related(s, SymHypernym) }

// InstanceHypernyms returns the "@i" targets of s: the classes s is an
// instance of (Marie Curie -> physicist, chemist).
func (db *DB) InstanceHypernyms(s *Synset) []*Synset {
	return db.Related(s, SymInstanceHypernym)
}

// Classes returns InstanceHypernyms for instances and Hypernyms otherwise.
func (db *DB) Classes(s *Synset) []*Synset {
	if s.IsInstance() {
		return db.InstanceHypernyms(s)
	}
	return db.Hypernyms(s)
}

// PartHolonyms returns the "#p" targets of s: the wholes s is part of
// (Chad -> Africa).
func (db *DB) PartHolonyms(s *Synset) []*Synset { return db.Related(s, SymPartHolonym) }

// PartMeronyms returns the "%p" targets of s: its parts (Chad ->
// N'Djamena).
func (db *DB) PartMeronyms(s *Synset) []*Synset { return db.Related(s, SymPartMeronym) }

// MemberHolonyms returns the "#m" targets of s: the groups s belongs to.
func (db *DB) MemberHolonyms(s *Synset) []*Synset { return db.Related(s, SymMemberHolonym) }

// IsA reports whether s reaches ancestor through hypernym or instance
// hypernym pointers (s itself counts). The walk is bounded by the depth of
// the noun hierarchy and ignores cycles.
func (db *DB) IsA(s, ancestor *Synset) bool {
	seen := map[Key]bool{}
	stack := []*Synset{s}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if cur.Key() == ancestor.Key() {
			return true
		}
		if seen[cur.Key()] {
			continue
		}
		seen[cur.Key()] = true
		stack = append(stack, db.Hypernyms(cur)...)
		stack = append(stack, db.InstanceHypernyms(cur)...)
	}
	return false
}

// IndexEntry is one line of an index.* file.
type IndexEntry struct {
	Lemma    string // underscores replaced by spaces, lower case as in the file
	POS      POS
	Symbols  []string // pointer symbols the lemma has in any sense
	TagSense int      // senses ranked by tagged frequency
	Synsets  []Key    // most frequent sense first
}

// ReadIndex parses an index.* file from r, calling fn for each entry.
// Header lines (two leading spaces) are skipped. Errors are *ParseError.
func ReadIndex(r io.Reader, name string, fn func(IndexEntry) error) error {
	return scanRecords(r, name, ParseIndexLine, fn)
}

// ParseIndexLine parses one index line:
//
//	lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
func ParseIndexLine(line string) (IndexEntry, error) {
	f := fields{rest: line}
	lemma := f.next()
	if lemma == "" {
		return IndexEntry{}, errors.New("missing lemma")
	}
	pos, ok := parsePOS(f.next())
	if !ok {
		return IndexEntry{}, errors.New("bad part of speech")
	}
	e := IndexEntry{Lemma: strings.ReplaceAll(lemma, "_", " "), POS: pos}
	n, err := f.num(10, 32, "synset count")
	if err != nil {
		return e, err
	}
	np, err := f.num(10, 16, "pointer count")
	if err != nil {
		return e, err
	}
	for i := range np {
		s := f.next()
		if s == "" {
			return e, fmt.Errorf("missing pointer symbol %d of %d", i+1, np)
		}
		e.Symbols = append(e.Symbols, s)
	}
	if _, err := f.num(10, 32, "sense count"); err != nil {
		return e, err
	}
	if e.TagSense, err = f.num(10, 32, "tagged sense count"); err != nil {
		return e, err
	}
	if n > 10000 {
		return e, fmt.Errorf("synset count %d too large", n)
	}
	e.Synsets = make([]Key, 0, n)
	for i := range n {
		off, err := f.num(10, 32, "synset offset")
		if err != nil {
			return e, fmt.Errorf("synset %d of %d: %w", i+1, n, err)
		}
		e.Synsets = append(e.Synsets, Key{Offset: uint32(off), POS: pos}.norm())
	}
	if rest := strings.TrimSpace(f.rest); rest != "" {
		return e, fmt.Errorf("unexpected %q after the synset offsets", rest)
	}
	return e, nil
}
