package native

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/nn"
	"github.com/cemlab/cem/tokenizer"
)

// Backend is the model.Ref backend name of this package.
const Backend = "native"

// Model is a loaded checkpoint ready for inference. It is safe for
// concurrent use.
type Model struct {
	ck *Checkpoint
	// BatchTokens is the number of tokens per scoring forward pass [2048].
	BatchTokens int
}

var _ model.Model = (*Model)(nil)

// Open loads the checkpoint folder at dir for inference.
func Open(dir string) (*Model, error) {
	ck, err := Load(dir)
	if err != nil {
		return nil, err
	}
	ck.Opt, ck.State = nil, nil // inference needs no optimiser state
	return &Model{ck: ck}, nil
}

// OpenRef opens a model.Ref of backend "native" (or empty) by its Path.
func OpenRef(ref model.Ref) (*Model, error) {
	path, err := refPath(ref, "open")
	if err != nil {
		return nil, err
	}
	return Open(path)
}

// refPath returns the checkpoint folder of a native (or backend-less)
// ref, or an error saying that cem cannot verb (open, train) the model.
func refPath(ref model.Ref, verb string) (string, error) {
	if ref.Backend != "" && ref.Backend != Backend {
		return "", fmt.Errorf("native: cannot %s a %q model", verb, ref.Backend)
	}
	if ref.Path == "" {
		return "", fmt.Errorf("native: model reference has no path")
	}
	return ref.Path, nil
}

// Checkpoint returns the loaded checkpoint (shared, do not modify).
func (m *Model) Checkpoint() *Checkpoint { return m.ck }

// promptIDs is <bos> <inst> prompt <resp>.
func (m *Model) promptIDs(prompt string) []int32 {
	t := m.ck.Tok
	ids := []int32{int32(t.BOS()), int32(t.Inst())}
	ids = appendIDs(ids, t.Encode(prompt))
	return append(ids, int32(t.Resp()))
}

func appendIDs(dst []int32, ids []int) []int32 {
	for _, id := range ids {
		dst = append(dst, int32(id))
	}
	return dst
}

// Score returns the log-probability of each request's continuation after
// its templated prompt. Requests sharing a prompt share one computation.
// An empty continuation scores 0 over 0 tokens. It fails only when ctx is
// cancelled or a continuation is longer than the model's context.
func (m *Model) Score(ctx context.Context, reqs []model.ScoreRequest) ([]model.Score, error) {
	lps, err := m.scoreTokens(ctx, reqs)
	if err != nil {
		return nil, err
	}
	out := make([]model.Score, len(reqs))
	for i, lp := range lps {
		var s float64
		for _, v := range lp.logProbs {
			s += float64(v)
		}
		out[i] = model.Score{LogProb: s, Tokens: len(lp.logProbs)}
	}
	return out, nil
}

type tokenScores struct {
	ids      []int32
	logProbs []float32
}

func (m *Model) scoreTokens(ctx context.Context, reqs []model.ScoreRequest) ([]tokenScores, error) {
	type slot struct{ item, cont int }
	var items []nn.ScoreItem
	byPrompt := map[string]int{}
	slots := make([]slot, len(reqs))
	out := make([]tokenScores, len(reqs))
	for i, r := range reqs {
		it, ok := byPrompt[r.Prompt]
		if !ok {
			it = len(items)
			byPrompt[r.Prompt] = it
			items = append(items, nn.ScoreItem{Prompt: m.promptIDs(r.Prompt)})
		}
		cont := appendIDs(nil, m.ck.Tok.Encode(r.Continuation))
		out[i].ids = cont
		slots[i] = slot{it, len(items[it].Conts)}
		items[it].Conts = append(items[it].Conts, cont)
	}
	res, err := m.ck.Net.ScoreTokens(ctx, items, m.BatchTokens)
	if err != nil {
		return nil, fmt.Errorf("native: score: %w", err)
	}
	for i, s := range slots {
		out[i].logProbs = res[s.item][s.cont].LogProbs
	}
	return out, nil
}

// TokenLogProbs returns the continuation's token ids and the natural-log
// probability of each given the templated prompt and the tokens before it.
func (m *Model) TokenLogProbs(ctx context.Context, prompt, continuation string) ([]int, []float64, error) {
	r, err := m.scoreTokens(ctx, []model.ScoreRequest{{Prompt: prompt, Continuation: continuation}})
	if err != nil {
		return nil, nil, err
	}
	return toInts(r[0].ids), toFloat64(r[0].logProbs), nil
}

// rawIDs tokenizes text without the template, reading the special token
// names in it (<|begin|>, <|end|>, <|pad|>, <|inst|>, <|resp|>) as the
// special tokens, so that "<|inst|>Q<|resp|>" is the instruction format.
func (m *Model) rawIDs(text string) []int32 {
	tok := m.ck.Tok
	specials := [...]struct {
		name string
		id   int
	}{{tokenizer.BeginToken, tok.BOS()}, {tokenizer.EndToken, tok.EOS()}, {tokenizer.PadToken, tok.Pad()},
		{tokenizer.InstToken, tok.Inst()}, {tokenizer.RespToken, tok.Resp()}}
	var out []int32
	for text != "" {
		at, id := len(text), -1
		n := 0
		for _, s := range specials {
			if i := strings.Index(text, s.name); i >= 0 && i < at {
				at, id, n = i, s.id, len(s.name)
			}
		}
		out = appendIDs(out, tok.Encode(text[:at]))
		if id < 0 {
			break
		}
		out = append(out, int32(id))
		text = text[at+n:]
	}
	return out
}

// RawLogProbs returns the token ids of text (no template; special token
// names read as in rawIDs) and the log-probability of each after <bos>
// and the tokens before it, for echo-style scoring of plain text.
func (m *Model) RawLogProbs(ctx context.Context, text string) ([]int, []float64, error) {
	ids := m.rawIDs(text)
	res, err := m.ck.Net.ScoreTokens(ctx, []nn.ScoreItem{{Prompt: []int32{int32(m.ck.Tok.BOS())}, Conts: [][]int32{ids}}}, m.BatchTokens)
	if err != nil {
		return nil, nil, fmt.Errorf("native: log-probs: %w", err)
	}
	return toInts(ids), toFloat64(res[0][0].LogProbs), nil
}

func toInts(ids []int32) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = int(id)
	}
	return out
}

func toFloat64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Generate completes each request's templated prompt: greedy when
// Temperature is 0, else sampled with Seed. Generation ends at <eos>,
// after MaxTokens (0 means 64), when the context is full, or at the first
// stop string, which is cut from the text together with what follows.
func (m *Model) Generate(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	return m.generate(ctx, reqs, m.promptIDs)
}

// GenerateRaw is Generate without the instruction template: the prompt
// text follows <bos> directly, for plain completion. Special token names
// in it are read as the special tokens (see rawIDs).
func (m *Model) GenerateRaw(ctx context.Context, reqs []model.GenerateRequest) ([]string, error) {
	return m.generate(ctx, reqs, func(p string) []int32 {
		return append([]int32{int32(m.ck.Tok.BOS())}, m.rawIDs(p)...)
	})
}

// RawTokens returns the token ids of text as GenerateRaw and RawLogProbs
// read it (special token names as the special tokens), without <bos>.
func (m *Model) RawTokens(text string) []int { return toInts(m.rawIDs(text)) }

// RawContext is the most tokens a raw prompt and its completion may take
// together: the model's positions less the one of <bos>.
func (m *Model) RawContext() int { return m.ck.Net.Config.MaxSeq - 1 }

// RawCompletion is one result of CompleteRaw.
type RawCompletion struct {
	Text   string // the new text, cut at the first stop string
	Tokens int    // tokens generated, <eos> not counted
	IDs    []int  // the generated token ids (all Tokens of them, before the stop cut)
	// Length is true when the generation ended because it reached its
	// token budget (MaxTokens, or the room the context left), not at
	// <eos> or a stop string.
	Length bool
}

// CompleteRaw is GenerateRaw for one request, reporting how many tokens
// were generated and why generation ended.
func (m *Model) CompleteRaw(ctx context.Context, req model.GenerateRequest) (RawCompletion, error) {
	tok := m.ck.Tok
	prompt := append([]int32{int32(tok.BOS())}, m.rawIDs(req.Prompt)...)
	ids, err := m.ck.Net.GenerateBatch(ctx, [][]int32{prompt}, []nn.GenConfig{m.genConfig(req)})
	if err != nil {
		return RawCompletion{}, fmt.Errorf("native: generate: %w", err)
	}
	text, stopped := model.CutAtStop(tok.Decode(toInts(ids[0])), req.Stop)
	budget := req.MaxTokens
	if budget <= 0 {
		budget = 64 // as nn.GenerateBatch
	}
	budget = min(budget, m.ck.Net.Config.MaxSeq-1)
	return RawCompletion{Text: text, Tokens: len(ids[0]), IDs: toInts(ids[0]), Length: !stopped && len(ids[0]) >= budget}, nil
}

// genConfig is the nn generation setting of a request.
func (m *Model) genConfig(r model.GenerateRequest) nn.GenConfig {
	tok := m.ck.Tok
	cfg := nn.GenConfig{MaxTokens: r.MaxTokens, Temperature: r.Temperature, Seed: uint64(r.Seed), EOS: int32(tok.EOS())}
	if len(r.Stop) > 0 {
		cfg.Stop = func(gen []int32) bool {
			_, stopped := model.CutAtStop(tok.Decode(toInts(gen)), r.Stop)
			return stopped
		}
	}
	return cfg
}

func (m *Model) generate(ctx context.Context, reqs []model.GenerateRequest, template func(string) []int32) ([]string, error) {
	tok := m.ck.Tok
	prompts := make([][]int32, len(reqs))
	cfgs := make([]nn.GenConfig, len(reqs))
	for i, r := range reqs {
		prompts[i] = template(r.Prompt)
		cfgs[i] = m.genConfig(r)
	}
	out := make([]string, len(reqs))
	for lo := 0; lo < len(reqs); lo += genBatch {
		hi := min(lo+genBatch, len(reqs))
		ids, err := m.ck.Net.GenerateBatch(ctx, prompts[lo:hi], cfgs[lo:hi])
		if err != nil {
			return nil, fmt.Errorf("native: generate requests %d..%d: %w", lo, hi-1, err)
		}
		for i, g := range ids {
			out[lo+i], _ = model.CutAtStop(tok.Decode(toInts(g)), reqs[lo+i].Stop)
		}
	}
	return out, nil
}

// genBatch is the number of requests generated in lockstep.
const genBatch = 64

// TokenScore is the score of one token of a sequence given the tokens
// before it: its log-probability and the most likely tokens there.
type TokenScore struct {
	ID      int
	LogProb float64
	Top     []TopToken // most likely first; empty unless asked for
}

// TopToken is one alternative at a position of a scored sequence.
type TopToken struct {
	ID      int
	LogProb float64
}

// RawScoreIDs scores the token ids of a raw text after <bos> (as RawTokens
// gives them, or those followed by generated ids): for every id, its
// log-probability given <bos> and the ids before it, and the top most
// likely ids at that position. It scores exactly the ids given, so a
// prompt and a continuation keep their own tokens. It fails when the ids
// exceed the context (RawContext) or an id is outside the vocabulary.
func (m *Model) RawScoreIDs(ctx context.Context, ids []int, top int) ([]TokenScore, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	net := m.ck.Net
	if len(ids) > m.RawContext() {
		return nil, fmt.Errorf("native: score %d tokens: the context holds %d after <bos>", len(ids), m.RawContext())
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	seq := append([]int32{int32(m.ck.Tok.BOS())}, appendIDs(nil, ids)...)
	n := len(ids) // rows 0..n-1 predict ids[0..n-1]
	spec := make([]nn.TokSpec, n)
	need := make([]int, n)
	for j := range n {
		spec[j] = nn.TokSpec{Pos: int32(j), Slot: int32(j)}
		need[j] = j
	}
	logits, err := net.Forward(net.NewCache(n), seq[:n], spec, need)
	if err != nil {
		return nil, fmt.Errorf("native: score: %w", err)
	}
	v := net.Config.Vocab
	out := make([]TokenScore, n)
	for j := range n {
		out[j] = scoreRow(logits[j*v:(j+1)*v], ids[j], top)
	}
	return out, nil
}

// scoreRow is the log-softmax of one row of logits at id, with the top
// ids (lowest id first on ties).
func scoreRow(row []float32, id, top int) TokenScore {
	mx := math.Inf(-1)
	for _, x := range row {
		mx = max(mx, float64(x))
	}
	var sum float64
	for _, x := range row {
		sum += math.Exp(float64(x) - mx)
	}
	lse := mx + math.Log(sum)
	s := TokenScore{ID: id, LogProb: float64(row[id]) - lse}
	top = min(top, len(row))
	for range top {
		best := -1
		for i, x := range row {
			if (best < 0 || x > row[best]) && !slices.ContainsFunc(s.Top, func(t TopToken) bool { return t.ID == i }) {
				best = i
			}
		}
		s.Top = append(s.Top, TopToken{ID: best, LogProb: float64(row[best]) - lse})
	}
	return s
}
