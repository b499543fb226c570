package nn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

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
