package nn

import (
	"fmt"

	"github.com/cemlab/cem/tensor"
)

// Batch is a packed batch of N token positions for training: inputs,
// next-token targets, loss weights and document segments.
type Batch struct {
	Tokens   []int32          // [N] input ids
	Targets  []int32          // [N] the id that follows each input
	Weights  []float32        // [N] loss weight of each target (0: not trained)
	Segments []tensor.Segment // documents, partitioning [0, N) in order
}

// Len is the number of positions N.
func (b *Batch) Len() int { return len(b.Tokens) }

// WeightSum is Σ Weights.
func (b *Batch) WeightSum() float64 {
	var s float64
	for _, w := range b.Weights {
		s += float64(w)
	}
	return s
}

// check validates ids and segment lengths against the configuration.
func (m *Model) check(b *Batch) error {
	n := len(b.Tokens)
	if len(b.Targets) != n || len(b.Weights) != n {
		return fmt.Errorf("nn: batch has %d tokens, %d targets, %d weights", n, len(b.Targets), len(b.Weights))
	}
	for i := range n {
		if t := b.Tokens[i]; t < 0 || int(t) >= m.Config.Vocab {
			return fmt.Errorf("nn: token id %d at %d outside vocabulary of %d", t, i, m.Config.Vocab)
		}
		if t := b.Targets[i]; b.Weights[i] != 0 && (t < 0 || int(t) >= m.Config.Vocab) {
			return fmt.Errorf("nn: target id %d at %d outside vocabulary of %d", t, i, m.Config.Vocab)
		}
	}
	at := 0
	for _, s := range b.Segments {
		if s.Start != at || s.Len <= 0 || s.Len > m.Config.MaxSeq {
			return fmt.Errorf("nn: segment %+v must start at %d and hold 1..%d tokens", s, at, m.Config.MaxSeq)
		}
		at += s.Len
	}
	if at != n {
		return fmt.Errorf("nn: segments cover %d of %d tokens", at, n)
	}
	return nil
}

// Loss records the forward pass of b on tp and returns the scalar loss
// Σ_i Weights[i]·(−log p(Targets[i] | Tokens[..i] of its document)) / norm.
// With a tape that records (tp.NoGrad false), tp.Backward(loss) then
// accumulates parameter gradients into m.Grads (allocated here when nil).
// It fails on an invalid batch.
func (m *Model) Loss(tp *tensor.Tape, b *Batch, norm float32) (*tensor.Tensor, error) {
	if err := m.check(b); err != nil {
		return nil, err
	}
	if !(norm > 0) {
		return nil, fmt.Errorf("nn: loss normaliser %g must be positive", norm)
	}
	withGrad := !tp.NoGrad
	if withGrad && m.Grads == nil {
		m.Grads = make([]float32, len(m.Params))
	}
	c := m.Config
	emb, outNorm, layers := m.tensors(withGrad)
	spec := tensor.AttnSpec{Heads: c.Heads, KVHeads: c.KVHeads, HeadDim: c.HeadDim(), Rope: m.rope, Segments: b.Segments}
	eps := float32(c.NormEps)

	x := tp.Embedding(emb, b.Tokens) // [N, D]
	for _, l := range layers {
		h := tp.RMSNorm(x, l.attnNorm, eps)           // [N, D]
		a := tp.Attention(tp.Linear(h, l.wqkv), spec) // [N, H·hd]
		x = tp.Add(x, tp.Linear(a, l.wo))             // [N, D]
		h = tp.RMSNorm(x, l.ffnNorm, eps)             // [N, D]
		s := tp.SwiGLU(tp.Linear(h, l.w13))           // [N, F]
		x = tp.Add(x, tp.Linear(s, l.w2))             // [N, D]
	}
	x = tp.RMSNorm(x, outNorm, eps) // [N, D]
	return tp.ClassifierLoss(x, emb, b.Targets, b.Weights, norm), nil
}
