package tokenizer

import (
	"strings"
	"testing"
)

// BenchmarkTrain trains a 4096-token vocabulary on 4 MB of gcide text.
func BenchmarkTrain(b *testing.B) {
	texts := corpus(b, 0, 4<<20)
	b.SetBytes(4 << 20)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(texts, 4096); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode encodes 1 MB of held-out text, with a cold cache on the
// first iteration only (as when a corpus is tokenised once).
func BenchmarkEncode(b *testing.B) {
	tok := trained(b)
	text := strings.Join(corpus(b, 8<<20, 1<<20), "")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		tok.Encode(text)
	}
}

// BenchmarkEncodeCold encodes with an empty word cache every time.
func BenchmarkEncodeCold(b *testing.B) {
	tok := trained(b)
	text := strings.Join(corpus(b, 8<<20, 1<<20), "")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		tok.mu.Lock()
		clear(tok.cache)
		tok.mu.Unlock()
		tok.Encode(text)
	}
}
