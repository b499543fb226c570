package nn

import (
	"context"
	"fmt"
	"math"

	"github.com/cemlab/cem/tensor/kernel"
)

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
	var cache *KVCache // reused by every chunk: slots are rewritten
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
		if cache == nil || cache.Cap < len(tokens) {
			cache = m.NewCache(len(tokens))
		}
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
