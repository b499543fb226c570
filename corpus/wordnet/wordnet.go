package wordnet

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// POS is a WordNet part of speech as written in the database: 'n' noun,
// 'v' verb, 'a' adjective, 's' adjective satellite, 'r' adverb.
type POS byte

// Parts of speech.
const (
	Noun       POS = 'n'
	Verb       POS = 'v'
	Adj        POS = 'a'
	AdjSat     POS = 's'
	Adv        POS = 'r'
	posUnknown POS = 0
)

// File returns the file-name suffix holding synsets of p ("noun", "verb",
// "adj", "adv"); satellites live in the adjective files. It returns ""
// for an unknown POS.
func (p POS) File() string {
	switch p {
	case Noun:
		return "noun"
	case Verb:
		return "verb"
	case Adj, AdjSat:
		return "adj"
	case Adv:
		return "adv"
	}
	return ""
}

// String returns the one-letter database form of p.
func (p POS) String() string { return string(rune(p)) }

// parsePOS returns the POS written as s, or false.
func parsePOS(s string) (POS, bool) {
	if len(s) != 1 {
		return posUnknown, false
	}
	p := POS(s[0])
	return p, p.File() != ""
}

// Key identifies a synset: its byte offset in its data file and its POS.
// Satellites and head adjectives share data.adj, so Key normalises AdjSat
// to Adj when used for lookups (see ID).
type Key struct {
	Offset uint32
	POS    POS
}

// ID returns the conventional synset id, the POS letter followed by the
// eight-digit offset, e.g. "n08953655" (satellites use "a").
func (k Key) ID() string {
	p := k.POS
	if p == AdjSat {
		p = Adj
	}
	return fmt.Sprintf("%c%08d", byte(p), k.Offset)
}

// ParseID parses an id made by Key.ID ("n08953655"); it also accepts the
// POS letter 's'.
func ParseID(id string) (Key, error) {
	if len(id) < 2 {
		return Key{}, fmt.Errorf("wordnet: bad synset id %q", id)
	}
	p, ok := parsePOS(id[:1])
	if !ok {
		return Key{}, fmt.Errorf("wordnet: bad synset id %q: unknown part of speech", id)
	}
	off, err := strconv.ParseUint(id[1:], 10, 32)
	if err != nil {
		return Key{}, fmt.Errorf("wordnet: bad synset id %q: %w", id, err)
	}
	return Key{Offset: uint32(off), POS: p}.norm(), nil
}

// norm maps AdjSat to Adj so that keys compare equal across both.
func (k Key) norm() Key {
	if k.POS == AdjSat {
		k.POS = Adj
	}
	return k
}

// Word is one lemma of a synset as written in the data file.
type Word struct {
	Lemma string // underscores replaced by spaces: "Marie Curie"
	LexID int    // distinguishes senses of the lemma in one lexicographer file
	// Marker is an adjective's syntactic marker without parentheses:
	// "a" (prenominal), "p" (predicate), "ip" (immediately postnominal),
	// or "" when absent.
	Marker string
}

// Pointer is a typed relation from a synset (or one of its words) to
// another synset (or one of its words).
type Pointer struct {
	// Symbol is the pointer symbol, e.g. "@" hypernym, "@i" instance
	// hypernym, "~" hyponym, "#p" part holonym, "%p" part meronym,
	// "=" attribute, "+" derivation, "!" antonym, "&" similar to.
	Symbol string
	Target Key
	// Source and Target word numbers (1-based) for lexical pointers; both
	// 0 for a semantic pointer between whole synsets.
	SourceWord, TargetWord int
}

// Pointer symbols used by the helpers.
const (
	SymHypernym         = "@"
	SymInstanceHypernym = "@i"
	SymHyponym          = "~"
	SymInstanceHyponym  = "~i"
	SymMemberHolonym    = "#m"
	SymSubstanceHolonym = "#s"
	SymPartHolonym      = "#p"
	SymMemberMeronym    = "%m"
	SymSubstanceMeronym = "%s"
	SymPartMeronym      = "%p"
	SymAntonym          = "!"
	SymSimilarTo        = "&"
	SymDomainTopic      = ";c"
	SymDomainRegion     = ";r"
)

// Synset is one set of synonyms with its gloss and pointers.
type Synset struct {
	Offset     uint32
	POS        POS // as written: AdjSat for satellites
	LexFileNum int
	LexFile    string // lexicographer file name, e.g. "noun.person"
	Words      []Word
	Lemmas     []string // Words' lemmas in order, underscores as spaces
	Pointers   []Pointer
	// Gloss is the whole gloss text; Definition is its definition part
	// (the non-quoted segments joined with "; ") and Examples its quoted
	// usage examples without quotes.
	Gloss      string
	Definition string
	Examples   []string
	// Frames lists the generic verb frame numbers (verbs only), with the
	// word they apply to (0 = all words).
	Frames []Frame
}

// Frame is a verb sentence frame: frame number and word number (0 for all
// words of the synset).
type Frame struct {
	Num, Word int
}

// Key returns the synset's key (satellites normalised to Adj).
func (s *Synset) Key() Key { return Key{Offset: s.Offset, POS: s.POS}.norm() }

// ID returns the synset id, e.g. "n08953655".
func (s *Synset) ID() string { return s.Key().ID() }

// Targets returns the keys pointed to by semantic or lexical pointers with
// the given symbol, in file order, without duplicates.
func (s *Synset) Targets(symbol string) []Key {
	var out []Key
	for _, p := range s.Pointers {
		if p.Symbol == symbol && !slices.Contains(out, p.Target.norm()) {
			out = append(out, p.Target.norm())
		}
	}
	return out
}

// IsInstance reports whether the synset is an instance (has an "@i"
// pointer): a named person, place, work or event.
func (s *Synset) IsInstance() bool {
	for _, p := range s.Pointers {
		if p.Symbol == SymInstanceHypernym {
			return true
		}
	}
	return false
}

// String returns "id lemma, lemma: definition".
func (s *Synset) String() string {
	return s.ID() + " " + strings.Join(s.Lemmas, ", ") + ": " + s.Definition
}

// lexFiles names the lexicographer files by number (lexnames(5WN)).
var lexFiles = [...]string{
	"adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal",
	"noun.artifact", "noun.attribute", "noun.body", "noun.cognition",
	"noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
	"noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon",
	"noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
	"noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body",
	"verb.change", "verb.cognition", "verb.communication", "verb.competition",
	"verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
	"verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather",
	"adj.ppl",
}

// LexFileName returns the lexicographer file name of number n, or "" when
// n is out of range.
func LexFileName(n int) string {
	if n < 0 || n >= len(lexFiles) {
		return ""
	}
	return lexFiles[n]
}
