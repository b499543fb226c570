package nn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/cemlab/cem/tensor"
	"github.com/cemlab/cem/tensor/kernel"
)

// KVCache holds the rotated keys and the values of tokens for every
// layer in Cap slots. Which slot holds which token is the caller's
// business (see TokSpec).
type KVCache struct {
	k, v [][]float32 // per layer: [Cap, Hkv·hd]
	Cap  int
}

// NewCache returns an empty cache for up to capacity tokens.
func (m *Model) NewCache(capacity int) *KVCache {
	w := m.Config.KVHeads * m.Config.HeadDim()
	c := &KVCache{Cap: capacity}
	for range m.Config.Layers {
		c.k = append(c.k, make([]float32, capacity*w))
		c.v = append(c.v, make([]float32, capacity*w))
	}
	return c
}

// TokSpec places one new token: its rotary position, the cache slot its
// key and value are written to, and the slots it attends to:
// [PrefixStart, PrefixEnd) and [SelfStart, Slot]. Slots attended must
// hold earlier tokens (from earlier calls, or from this call: all keys of
// a call are written before any token attends).
type TokSpec struct {
	Pos                    int32
	Slot                   int32
	PrefixStart, PrefixEnd int32
	SelfStart              int32
}

// Forward writes tokens into their cache slots and returns the logits of
// the new tokens at offsets need, [len(need), V] row-major. It fails when
// an id is outside the vocabulary or a spec points outside the cache or
// past the model's positions.
func (m *Model) Forward(c *KVCache, tokens []int32, spec []TokSpec, need []int) ([]float32, error) {
	n := len(tokens)
	cfg := m.Config
	if len(spec) != n {
		return nil, fmt.Errorf("nn: %d tokens with %d specs", n, len(spec))
	}
	for i, t := range tokens {
		s := spec[i]
		self := s.Slot
		if self < 0 || int(self) >= c.Cap {
			return nil, fmt.Errorf("nn: token %d goes to slot %d of a cache of %d", i, self, c.Cap)
		}
		if t < 0 || int(t) >= cfg.Vocab {
			return nil, fmt.Errorf("nn: token id %d at %d outside vocabulary of %d", t, i, cfg.Vocab)
		}
		if s.Pos < 0 || int(s.Pos) >= cfg.MaxSeq || s.PrefixStart < 0 || s.PrefixEnd < s.PrefixStart || s.PrefixEnd > self || s.SelfStart < 0 || s.SelfStart > self {
			return nil, fmt.Errorf("nn: bad token spec %+v at cache index %d (max position %d)", s, self, cfg.MaxSeq-1)
		}
	}
	for _, k := range need {
		if k < 0 || k >= n {
			return nil, fmt.Errorf("nn: logits wanted at %d of %d tokens", k, n)
		}
	}
	if n == 0 {
		return nil, nil
	}
	tp, _ := m.tapes.Get().(*tensor.Tape)
	if tp == nil {
		tp = tensor.NewTape()
		tp.NoGrad = true
	}
	defer func() {
		tp.Reset()
		m.tapes.Put(tp)
	}()
	emb, outNorm, layers := m.tensors(false)
	eps := float32(cfg.NormEps)
	x := tp.Embedding(emb, tokens) // [n, D]
	for li, l := range layers {
		h := tp.RMSNorm(x, l.attnNorm, eps) // [n, D]
		qkv := tp.Linear(h, l.wqkv)         // [n, (H+2Hkv)·hd]
		a := m.cachedAttention(tp, c, li, qkv, spec)
		x = tp.Add(x, tp.Linear(a, l.wo)) // [n, D]
		h = tp.RMSNorm(x, l.ffnNorm, eps) // [n, D]
		s := tp.SwiGLU(tp.Linear(h, l.w13))
		x = tp.Add(x, tp.Linear(s, l.w2))
	}
	if len(need) == 0 {
		return nil, nil
	}
	d := cfg.Dim
	sel := tp.New(len(need), d)
	for k, i := range need {
		copy(sel.Data[k*d:k*d+d], x.Data[i*d:i*d+d])
	}
	sel = tp.RMSNorm(sel, outNorm, eps)
	logits := make([]float32, len(need)*cfg.Vocab)
	kernel.Sgemm(false, true, len(need), cfg.Vocab, d, 1, sel.Data, d, emb.Data, d, 0, logits, cfg.Vocab)
	return logits, nil
}

// cachedAttention rotates the new queries and keys, appends keys and
// values to layer li of the cache and attends each new token to its
// allowed cache range.
//
//	qkv: [n, (H+2Hkv)·hd] → y: [n, H·hd]
func (m *Model) cachedAttention(tp *tensor.Tape, c *KVCache, li int, qkv *tensor.Tensor, spec []TokSpec) *tensor.Tensor {
	cfg := m.Config
	h, hkv, hd := cfg.Heads, cfg.KVHeads, cfg.HeadDim()
	n, width, kvw := len(spec), (h+2*hkv)*hd, hkv*hd
	rep := h / hkv
	y := tp.New(n, h*hd)
	kc, vc := c.k[li], c.v[li]
	parallelChunks(n, func(i int) {
		row := qkv.Data[i*width : (i+1)*width]
		for k := range h + hkv {
			m.rope.Rotate(row[k*hd:k*hd+hd], row[k*hd:k*hd+hd], int(spec[i].Pos), false)
		}
		at := int(spec[i].Slot) * kvw
		copy(kc[at:at+kvw], row[h*hd:h*hd+kvw])
		copy(vc[at:at+kvw], row[h*hd+kvw:h*hd+2*kvw])
	})
	scale := float32(1 / math.Sqrt(float64(hd)))
	const tokChunk = 8
	parallelChunks((n+tokChunk-1)/tokChunk, func(ch int) {
		scores := make([]float32, c.Cap)
		idx := make([]int32, 0, c.Cap)
		for i := ch * tokChunk; i < min((ch+1)*tokChunk, n); i++ {
			s := spec[i]
			idx = idx[:0]
			for j := s.PrefixStart; j < s.PrefixEnd; j++ {
				idx = append(idx, j)
			}
			for j := max(s.SelfStart, s.PrefixEnd); j <= s.Slot; j++ {
				idx = append(idx, j)
			}
			for hh := range h {
				g := hh / rep
				q := qkv.Data[i*width+hh*hd : i*width+hh*hd+hd]
				sc := scores[:len(idx)]
				for k, j := range idx {
					sc[k] = kernel.Dot(q, kc[int(j)*kvw+g*hd:int(j)*kvw+g*hd+hd]) * scale
				}
				kernel.Softmax(sc)
				o := y.Data[i*h*hd+hh*hd : i*h*hd+hh*hd+hd]
				clear(o)
				for k, j := range idx {
					kernel.Axpy(sc[k], vc[int(j)*kvw+g*hd:int(j)*kvw+g*hd+hd], o)
				}
			}
		}
	})
	return y
}

// logSoftmaxAt returns log softmax(row)[t] and whether row[t] is the
// maximum (first maximum on ties). It overwrites row with its softmax
// (kernel.Softmax); the sum of exponentials is 1/p at the maximum, so
// log p_t = row[t] − max + log p_max.
func logSoftmaxAt(row []float32, t int32) (float32, bool) {
	top := kernel.MaxIndex(row)
	if top < 0 { // all NaN
		return float32(math.NaN()), false
	}
	m, logit := row[top], row[t]
	kernel.Softmax(row)
	return logit - m + float32(math.Log(float64(row[top]))), top == int(t)
}

// ScoreItem is a prompt with candidate continuations (token ids). The
// prompt must not be empty.
type ScoreItem struct {
	Prompt []int32
	Conts  [][]int32
}

// ContScore is the teacher-forced result for one continuation: per token,
// the natural-log probability given everything before it, and whether it
// was the most likely token there (greedy decoding would produce it).
type ContScore struct {
	LogProbs []float32
	Greedy   []bool
}

// ScoreTokens returns, for every item and continuation, the natural-log
// probability of each continuation token given the prompt and the
// continuation tokens before it, and whether it was the argmax. The prompt is computed once per item and
// every continuation attends to it (a tree mask), and items are packed
// into forward passes of about batchTokens tokens [2048].
//
// When prompt plus the longest continuation exceed MaxSeq, the prompt's
// first tokens are dropped. It fails for an empty prompt, a continuation
// longer than MaxSeq−1, an id outside the vocabulary, or a cancelled ctx.
func (m *Model) ScoreTokens(ctx context.Context, items []ScoreItem, batchTokens int) ([][]ContScore, error) {
	if batchTokens <= 0 {
		batchTokens = 2048
	}
	out := make([][]ContScore, len(items))
	for lo := 0; lo < len(items); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var tokens []int32
		var spec []TokSpec
		var need []int
		type pick struct{ item, cont, tok int }
		var picks []pick // per need row: which log-prob it gives
		var targets []int32
		hi := lo
		for hi < len(items) && (hi == lo || len(tokens) < batchTokens) {
			it := items[hi]
			prompt, err := m.fitPrompt(it)
			if err != nil {
				return nil, fmt.Errorf("nn: score item %d: %w", hi, err)
			}
			if len(tokens) > 0 && len(tokens)+itemLen(prompt, it.Conts) > batchTokens {
				break
			}
			start := int32(len(tokens))
			for i, t := range prompt {
				tokens = append(tokens, t)
				spec = append(spec, TokSpec{Pos: int32(i), Slot: int32(len(tokens) - 1), SelfStart: start})
			}
			pend := int32(len(tokens))
			out[hi] = make([]ContScore, len(it.Conts))
			for ci, cont := range it.Conts {
				out[hi][ci] = ContScore{LogProbs: make([]float32, len(cont)), Greedy: make([]bool, len(cont))}
				cstart := int32(len(tokens))
				for j, t := range cont {
					from := int(cstart) + j - 1 // the row whose logits predict token j
					if j == 0 {
						from = int(pend) - 1
					}
					need = append(need, from)
					picks = append(picks, pick{hi, ci, j})
					targets = append(targets, t)
					if j < len(cont)-1 { // the last token predicts nothing we need
						tokens = append(tokens, t)
						spec = append(spec, TokSpec{Pos: int32(len(prompt) + j), Slot: int32(len(tokens) - 1), PrefixStart: start, PrefixEnd: pend, SelfStart: cstart})
					}
				}
			}
			hi++
		}
		cache := m.NewCache(len(tokens))
		logits, err := m.Forward(cache, tokens, spec, need)
		if err != nil {
			return nil, fmt.Errorf("nn: score items %d..%d: %w", lo, hi-1, err)
		}
		v := m.Config.Vocab
		parallelChunks(len(need), func(k int) {
			p := picks[k]
			cs := out[p.item][p.cont]
			cs.LogProbs[p.tok], cs.Greedy[p.tok] = logSoftmaxAt(logits[k*v:k*v+v], targets[k])
		})
		lo = hi
	}
	return out, nil
}

func itemLen(prompt []int32, conts [][]int32) int {
	n := len(prompt)
	for _, c := range conts {
		n += len(c)
	}
	return n
}

// fitPrompt checks an item and drops the prompt's first tokens so that
// prompt plus the longest continuation fit in MaxSeq positions.
func (m *Model) fitPrompt(it ScoreItem) ([]int32, error) {
	if len(it.Prompt) == 0 {
		return nil, fmt.Errorf("empty prompt")
	}
	longest := 0
	for _, c := range it.Conts {
		longest = max(longest, len(c))
	}
	if longest > m.Config.MaxSeq-1 {
		return nil, fmt.Errorf("continuation of %d tokens exceeds the model's %d positions", longest, m.Config.MaxSeq-1)
	}
	p := it.Prompt
	if over := len(p) + longest - m.Config.MaxSeq; over > 0 {
		p = p[over:]
	}
	return p, nil
}

// GenConfig controls generation of one sequence.
type GenConfig struct {
	MaxTokens   int     // tokens to generate at most [64]
	Temperature float64 // 0: greedy (argmax); > 0: sample from softmax(logits/T)
	Seed        uint64  // sampling seed
	EOS         int32   // generation stops before this id; negative: never
	// Stop, when set, is called after each token with all generated ids;
	// true stops generation (the ids are returned as they are).
	Stop func(generated []int32) bool
}

// Generate continues one prompt; see GenerateBatch.
func (m *Model) Generate(ctx context.Context, prompt []int32, g GenConfig) ([]int32, error) {
	out, err := m.GenerateBatch(ctx, [][]int32{prompt}, []GenConfig{g})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// GenerateBatch continues every prompt in lockstep, so each step runs one
// forward pass over all unfinished sequences. A prompt is left-truncated
// to leave room for its MaxTokens within MaxSeq. It returns the generated
// ids of each, without EOS; a sequence stops at EOS, when its Stop says
// so, or after MaxTokens. The result for a prompt does not depend on the
// other prompts in the batch. It fails for an empty prompt, an id outside
// the vocabulary, or a cancelled ctx.
func (m *Model) GenerateBatch(ctx context.Context, prompts [][]int32, cfgs []GenConfig) ([][]int32, error) {
	if len(cfgs) != len(prompts) {
		return nil, fmt.Errorf("nn: %d prompts with %d generation settings", len(prompts), len(cfgs))
	}
	maxSeq := m.Config.MaxSeq
	type seq struct {
		base, plen int // first slot and prompt length
		cfg        GenConfig
		rng        *rand.Rand
		out        []int32
	}
	seqs := make([]seq, len(prompts))
	var tokens []int32
	var spec []TokSpec
	var need []int
	slots := 0
	for i, p := range prompts {
		if len(p) == 0 {
			return nil, fmt.Errorf("nn: generate from an empty prompt (%d)", i)
		}
		g := cfgs[i]
		if g.MaxTokens <= 0 {
			g.MaxTokens = 64
		}
		g.MaxTokens = min(g.MaxTokens, maxSeq-1)
		if over := len(p) + g.MaxTokens - maxSeq; over > 0 {
			p = p[over:]
		}
		seqs[i] = seq{base: slots, plen: len(p), cfg: g, rng: rand.New(rand.NewPCG(g.Seed, 0x67656e))}
		for j, t := range p {
			tokens = append(tokens, t)
			spec = append(spec, TokSpec{Pos: int32(j), Slot: int32(slots + j), SelfStart: int32(slots)})
		}
		need = append(need, len(tokens)-1)
		slots += len(p) + g.MaxTokens
	}
	cache := m.NewCache(slots)
	logits, err := m.Forward(cache, tokens, spec, need)
	if err != nil {
		return nil, err
	}
	v := m.Config.Vocab
	active := make([]int, len(seqs)) // sequences whose logits are in logits, in order
	for i := range active {
		active[i] = i
	}
	for len(active) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tokens, spec = tokens[:0], spec[:0]
		var next []int
		for k, i := range active {
			s := &seqs[i]
			t := pickToken(logits[k*v:(k+1)*v], s.cfg.Temperature, s.rng)
			if t == s.cfg.EOS {
				continue
			}
			s.out = append(s.out, t)
			if (s.cfg.Stop != nil && s.cfg.Stop(s.out)) || len(s.out) >= s.cfg.MaxTokens {
				continue
			}
			at := s.plen + len(s.out) - 1
			tokens = append(tokens, t)
			spec = append(spec, TokSpec{Pos: int32(at), Slot: int32(s.base + at), SelfStart: int32(s.base)})
			next = append(next, i)
		}
		active = next
		if len(active) == 0 {
			break
		}
		need = need[:0]
		for k := range active {
			need = append(need, k)
		}
		if logits, err = m.Forward(cache, tokens, spec, need); err != nil {
			return nil, err
		}
	}
	out := make([][]int32, len(seqs))
	for i := range seqs {
		out[i] = seqs[i].out
	}
	return out, nil
}

// pickToken is argmax (lowest id on ties) for temperature <= 0, else a
// sample from softmax(logits/temperature).
func pickToken(logits []float32, temperature float64, rng *rand.Rand) int32 {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	if temperature <= 0 {
		return int32(best)
	}
	inv := 1 / temperature
	mx := float64(logits[best])
	var sum float64
	p := make([]float64, len(logits))
	for i, v := range logits {
		p[i] = math.Exp((float64(v) - mx) * inv)
		sum += p[i]
	}
	u := rng.Float64() * sum
	for i, w := range p {
		u -= w
		if u < 0 {
			return int32(i)
		}
	}
	return int32(best)
}
