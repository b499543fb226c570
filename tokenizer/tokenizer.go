package tokenizer

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Special token names, in id order after the 256 byte tokens.
const (
	BeginToken = "<|begin|>" // begin of sequence (BOS)
	EndToken   = "<|end|>"   // end of sequence (EOS)
	PadToken   = "<|pad|>"   // padding
	InstToken  = "<|inst|>"  // start of an instruction
	RespToken  = "<|resp|>"  // start of a response
)

// specialNames lists the special tokens in id order.
var specialNames = [...]string{BeginToken, EndToken, PadToken, InstToken, RespToken}

const (
	numBytes    = 256
	firstSpec   = numBytes                      // id of BeginToken
	firstMerge  = firstSpec + len(specialNames) // id of the first merged token
	maxVocabLen = 1 << 24                       // sanity bound on vocabulary size
	maxCached   = 1 << 16                       // word cache entries before it is reset
	maxCacheKey = 256                           // longer words are not cached
	longWord    = 48                            // words longer than this use the heap merger
)

// MinVocabSize is the smallest vocabulary Train accepts: the 256 bytes and
// the special tokens, with no merges.
const MinVocabSize = firstMerge

// ErrBadID reports a token id outside the vocabulary.
var ErrBadID = errors.New("token id out of range")

// Tokenizer is a trained byte-level BPE tokenizer. Build one with Train or
// Load; the zero value is not usable.
type Tokenizer struct {
	tokens []string         // id -> raw bytes; special tokens hold their names
	merges [][2]int32       // rank -> (left, right); merged id is firstMerge+rank
	ranks  map[uint64]int32 // pairKey(left, right) -> rank

	mu    sync.RWMutex
	cache map[string][]int32 // word -> ids
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// newTokenizer builds a Tokenizer from merge rules given as (left, right)
// id pairs in rank order. The caller guarantees that every id in merges[r]
// is below firstMerge+r and not special.
func newTokenizer(merges [][2]int32) *Tokenizer {
	t := &Tokenizer{
		tokens: make([]string, firstMerge, firstMerge+len(merges)),
		merges: merges,
		ranks:  make(map[uint64]int32, len(merges)),
		cache:  make(map[string][]int32),
	}
	for b := range numBytes {
		t.tokens[b] = string([]byte{byte(b)})
	}
	copy(t.tokens[firstSpec:], specialNames[:])
	for r, m := range merges {
		t.tokens = append(t.tokens, t.tokens[m[0]]+t.tokens[m[1]])
		t.ranks[pairKey(m[0], m[1])] = int32(r)
	}
	return t
}

// VocabSize returns the number of token ids: 256 bytes, 5 special tokens
// and one per merge rule. It can be below the size asked of Train when the
// corpus offered too few pairs to merge.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// BOS returns the id of BeginToken.
func (t *Tokenizer) BOS() int { return firstSpec + 0 }

// EOS returns the id of EndToken.
func (t *Tokenizer) EOS() int { return firstSpec + 1 }

// Pad returns the id of PadToken.
func (t *Tokenizer) Pad() int { return firstSpec + 2 }

// Inst returns the id of InstToken.
func (t *Tokenizer) Inst() int { return firstSpec + 3 }

// Resp returns the id of RespToken.
func (t *Tokenizer) Resp() int { return firstSpec + 4 }

// IsSpecial reports whether id is one of the special tokens.
func (t *Tokenizer) IsSpecial(id int) bool { return id >= firstSpec && id < firstMerge }

// Tokens returns every token string, indexed by id, in the GPT-2
// byte-to-unicode form (see ByteToUnicode); special tokens appear as their
// literal names. The slice is new on each call.
func (t *Tokenizer) Tokens() []string {
	out := make([]string, len(t.tokens))
	for id, s := range t.tokens {
		if t.IsSpecial(id) {
			out[id] = s
			continue
		}
		out[id] = ByteToUnicode(s)
	}
	return out
}

// Merges returns the merge rules in rank order, each as "left right" with
// both sides in the GPT-2 byte-to-unicode form (which never contains a
// space). The slice is new on each call.
func (t *Tokenizer) Merges() []string {
	out := make([]string, len(t.merges))
	for r, m := range t.merges {
		out[r] = ByteToUnicode(t.tokens[m[0]]) + " " + ByteToUnicode(t.tokens[m[1]])
	}
	return out
}

// Encode returns the token ids of s. Every byte string is encodable; the
// text is taken literally, so special tokens never appear in the result.
// Decode(Encode(s)) == s.
func (t *Tokenizer) Encode(s string) []int {
	out := make([]int, 0, len(s)/3+1)
	for i := 0; i < len(s); {
		j := nextWord(s, i)
		out = t.appendWord(out, s[i:j])
		i = j
	}
	return out
}

// appendWord appends the ids of one pre-token, through the word cache.
func (t *Tokenizer) appendWord(out []int, w string) []int {
	t.mu.RLock()
	ids, ok := t.cache[w]
	t.mu.RUnlock()
	if !ok {
		ids = t.bpe(w)
		if len(w) > maxCacheKey {
			return appendIDs(out, ids)
		}
		t.mu.Lock()
		if len(t.cache) >= maxCached {
			clear(t.cache)
		}
		t.cache[strings.Clone(w)] = ids
		t.mu.Unlock()
	}
	return appendIDs(out, ids)
}

func appendIDs(out []int, ids []int32) []int {
	for _, id := range ids {
		out = append(out, int(id))
	}
	return out
}

// Decode returns the text of ids: the bytes of each token concatenated, a
// special token as its literal name, and an id outside [0, VocabSize()) as
// U+FFFD (use DecodeChecked to get an error instead).
func (t *Tokenizer) Decode(ids []int) string {
	var sb strings.Builder
	for _, id := range ids {
		if id < 0 || id >= len(t.tokens) {
			sb.WriteRune('\uFFFD')
			continue
		}
		sb.WriteString(t.tokens[id])
	}
	return sb.String()
}

// DecodeChecked is Decode that fails, with an error wrapping ErrBadID that
// names the first bad position, when an id is outside [0, VocabSize()).
func (t *Tokenizer) DecodeChecked(ids []int) (string, error) {
	for i, id := range ids {
		if id < 0 || id >= len(t.tokens) {
			return "", fmt.Errorf("tokenizer: decode: id %d at position %d: %w (vocabulary size %d)",
				id, i, ErrBadID, len(t.tokens))
		}
	}
	return t.Decode(ids), nil
}
