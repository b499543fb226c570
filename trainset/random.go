package trainset

import (
	"fmt"
	"math/rand/v2"

	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/model"
)

// Random builds the random-text baseline: CPT examples drawn uniformly,
// without replacement (reshuffling when the corpus is used up), from
// corpus until their tokens reach tokens — pass the CEM set's
// loss-bearing tokens, Manifest.Total.LossTokens, so that both sets put
// the same number of tokens under the loss (CEM's instruction prompts
// carry none). Passages that overlap an exam item (b.Decontam) are
// never drawn. The same corpus, tokens and seed give the same set.
// An empty corpus, or one whose every passage is protected, gives an
// empty set.
func (b Builder) Random(corpus []knowledge.Passage, tokens int, seed int64) (Set, Manifest) {
	if b.Tokens == nil {
		b.Tokens = ApproxTokens
	}
	var pool []model.Example
	prov := map[string]Provenance{}
	dropped := map[string]int{}
	man := Manifest{Seed: seed, Mix: Mix{CPT: 1, Epochs: 1, BudgetTokens: tokens, Seed: seed}, Unit: "tokens"}
	for _, p := range corpus {
		e := model.Example{ID: KindCPT + ":" + p.ID, Kind: KindCPT, Text: passageText(p.Title, p.Text), Origin: p.ID}
		if _, dup := prov[e.ID]; dup {
			continue
		}
		prov[e.ID] = Provenance{ID: e.ID, Kind: KindCPT, Origin: p.ID, Source: p.Source}
		pool = append(pool, e)
	}
	pool = b.decontaminate(pool, prov, &man, dropped)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x4a2d0))
	var set []model.Example
	acc := 0
	for round := 1; len(pool) > 0 && acc < tokens; round++ {
		for _, i := range rng.Perm(len(pool)) {
			if acc >= tokens {
				break
			}
			e := pool[i]
			if round > 1 {
				e.ID = fmt.Sprintf("%s#%d", e.ID, round)
			}
			set = append(set, e)
			acc += b.Tokens(" " + e.Text)
		}
	}
	man.fill(set, map[string][]model.Example{KindCPT: pool}, map[string]float64{KindCPT: float64(tokens)}, dropped, prov, b.Tokens)
	return Set{Seed: seed, Examples: set}, man
}
