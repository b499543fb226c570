package nn

import (
	"fmt"

	"github.com/cemlab/cem/tensor"
)

// Doc is one training document as token ids with a loss weight per
// position: Weights[i] is the weight of predicting Tokens[i] from
// Tokens[:i], so Weights[0] is unused. A CPT text has weight 1 (or its
// example weight) everywhere; an instruction example has 0 on the prompt
// and weight on the response and end-of-sequence tokens.
type Doc struct {
	Tokens  []int32
	Weights []float32
}

// Row is one packed training sequence of SeqLen positions.
type Row struct {
	Tokens, Targets []int32
	Weights         []float32
	Segments        []tensor.Segment // relative to the row
}

// Pack lays documents out in rows of seqLen positions, in order. A
// document of n tokens fills n−1 positions (input i predicts token i+1);
// it starts a new row when it does not fit in the current one, and a
// document longer than a row is split into pieces of seqLen positions
// (consecutive pieces share one token, so no target is lost). Each
// document or piece is its own attention segment with positions from 0.
// Unused row ends hold pad with weight 0. Documents with fewer than two
// tokens are skipped. It fails for seqLen < 1, unequal token and weight
// lengths, or ids outside [0, vocab).
func Pack(docs []Doc, seqLen int, pad int32, vocab int) ([]Row, error) {
	if seqLen < 1 {
		return nil, fmt.Errorf("nn: pack into rows of %d", seqLen)
	}
	var rows []Row
	var cur *Row
	used := 0
	flush := func() {
		if cur == nil {
			return
		}
		if used < seqLen {
			for i := used; i < seqLen; i++ {
				cur.Tokens[i], cur.Targets[i] = pad, pad
			}
			cur.Segments = append(cur.Segments, tensor.Segment{Start: used, Len: seqLen - used})
		}
		rows = append(rows, *cur)
		cur, used = nil, 0
	}
	for di, d := range docs {
		if len(d.Tokens) != len(d.Weights) {
			return nil, fmt.Errorf("nn: document %d has %d tokens and %d weights", di, len(d.Tokens), len(d.Weights))
		}
		for i, t := range d.Tokens {
			if t < 0 || int(t) >= vocab {
				return nil, fmt.Errorf("nn: document %d token %d: id %d outside vocabulary of %d", di, i, t, vocab)
			}
		}
		for start := 0; start+1 < len(d.Tokens); start += seqLen {
			n := min(seqLen, len(d.Tokens)-1-start) // positions of this piece
			if cur != nil && used+n > seqLen {
				flush()
			}
			if cur == nil {
				cur = &Row{Tokens: make([]int32, seqLen), Targets: make([]int32, seqLen), Weights: make([]float32, seqLen)}
			}
			copy(cur.Tokens[used:], d.Tokens[start:start+n])
			copy(cur.Targets[used:], d.Tokens[start+1:start+1+n])
			copy(cur.Weights[used:], d.Weights[start+1:start+1+n])
			cur.Segments = append(cur.Segments, tensor.Segment{Start: used, Len: n})
			used += n
			if used == seqLen {
				flush()
			}
		}
	}
	flush()
	return rows, nil
}

// JoinRows concatenates rows into one Batch, offsetting segments.
func JoinRows(rows []Row) *Batch {
	b := &Batch{}
	for _, r := range rows {
		off := len(b.Tokens)
		b.Tokens = append(b.Tokens, r.Tokens...)
		b.Targets = append(b.Targets, r.Targets...)
		b.Weights = append(b.Weights, r.Weights...)
		for _, s := range r.Segments {
			b.Segments = append(b.Segments, tensor.Segment{Start: s.Start + off, Len: s.Len})
		}
	}
	return b
}
