package curate

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// Default settings of Dedupe.
const (
	DefaultDedupeThreshold = 0.8
	DefaultShingle         = 3
	dedupeHashes           = 64
	dedupeRows             = 4 // rows per LSH band: 16 bands of 4
)

// Dedupe removes near-duplicate passages. Two candidates are duplicates
// when they have the same passage id, or when the Jaccard similarity of
// their sets of word shingles (Shingle consecutive normalised words; a
// text shorter than that is one shingle) is at least Threshold. Candidate
// pairs are found with MinHash signatures (64 hash functions seeded by
// Seed, locality-sensitive banding in 16 bands of 4 rows) and then checked
// with the exact Jaccard similarity, so a pair is never rejected on the
// estimate alone. Of each duplicate group the earliest candidate in input
// order is kept; put the best-ranked first.
//
// By default only candidates retrieved for the same item (Claim.ItemID)
// are compared, so a passage supporting two items stays evidence for
// both; Global compares all candidates. The zero value uses the defaults.
type Dedupe struct {
	Threshold float64 // default DefaultDedupeThreshold
	Shingle   int     // default DefaultShingle
	Seed      int64
	Global    bool
}

// Name is "dedupe".
func (d Dedupe) Name() string { return "dedupe" }

// Apply keeps the first of every group of near-duplicates.
func (d Dedupe) Apply(ctx context.Context, in []Candidate) (Result, error) {
	if d.Threshold <= 0 {
		d.Threshold = DefaultDedupeThreshold
	}
	if d.Shingle <= 0 {
		d.Shingle = DefaultShingle
	}
	seeds := make([]uint64, dedupeHashes)
	rng := rand.New(rand.NewPCG(uint64(d.Seed), 0x9e3779b97f4a7c15))
	for i := range seeds {
		seeds[i] = rng.Uint64()
	}
	type kept struct {
		idx     int
		shingle map[uint64]bool
	}
	// buckets: scope key + band key -> kept candidates in that bucket.
	buckets := map[string][]kept{}
	byID := map[string]int{} // scope + passage id -> kept index
	var res Result
	for i, c := range in {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
		scope := ""
		if !d.Global {
			scope = c.Claim.ItemID + "\x00"
		}
		if j, ok := byID[scope+c.Passage.ID]; ok {
			res.Rejects = append(res.Rejects, reject(d.Name(), c, fmt.Sprintf("duplicate of %s", in[j].Passage.ID)))
			continue
		}
		sh := shingles(Words(c.Passage.Text), d.Shingle)
		sig := minhash(sh, seeds)
		dup, sim := -1, 0.0
		var keys []string
		for b := 0; b < dedupeHashes/dedupeRows; b++ {
			key := fmt.Sprintf("%s%d:%x", scope, b, sig[b*dedupeRows:(b+1)*dedupeRows])
			keys = append(keys, key)
			for _, k := range buckets[key] {
				if dup >= 0 {
					break
				}
				if s := jaccard(sh, k.shingle); s >= d.Threshold {
					dup, sim = k.idx, s
				}
			}
		}
		if dup >= 0 {
			res.Rejects = append(res.Rejects, reject(d.Name(), c,
				fmt.Sprintf("near-duplicate of %s (jaccard %.2f)", in[dup].Passage.ID, sim)))
			continue
		}
		byID[scope+c.Passage.ID] = i
		for _, key := range keys {
			buckets[key] = append(buckets[key], kept{i, sh})
		}
		res.Kept = append(res.Kept, c)
	}
	return res, nil
}

// shingles returns the set of hashed k-word shingles of w.
func shingles(w []string, k int) map[uint64]bool {
	s := map[uint64]bool{}
	if len(w) < k {
		s[hashWords(w)] = true
		return s
	}
	for i := 0; i+k <= len(w); i++ {
		s[hashWords(w[i:i+k])] = true
	}
	return s
}

// minhash returns the MinHash signature of a shingle set, one minimum per
// seed; hashing mixes each shingle hash with the seed (splitmix64).
func minhash(sh map[uint64]bool, seeds []uint64) []uint64 {
	sig := make([]uint64, len(seeds))
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	for x := range sh {
		for i, s := range seeds {
			if h := mix64(x ^ s); h < sig[i] {
				sig[i] = h
			}
		}
	}
	return sig
}

func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// jaccard is |a ∩ b| / |a ∪ b| (1 for two empty sets).
func jaccard(a, b map[uint64]bool) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	inter := 0
	for x := range a {
		if b[x] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}
