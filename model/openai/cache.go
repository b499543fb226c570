package openai

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cemlab/cem/internal/atomicfile"
)

// diskCache stores response bodies as files named by the hash of the
// request. A nil *diskCache caches nothing.
type diskCache struct{ dir string }

// cacheKey hashes what makes two requests the same: where they go, which
// model, which endpoint and the exact body. The API key is not part of it.
func cacheKey(baseURL, model, endpoint string, body []byte) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(baseURL), []byte(model), []byte(endpoint), body} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *diskCache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// get returns the cached body for key. Unreadable entries are misses.
func (c *diskCache) get(key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	b, err := os.ReadFile(c.path(key))
	if err != nil || len(b) == 0 {
		return nil, false
	}
	return b, true
}

// put stores body under key atomically (temporary file, then rename), so a
// killed run never leaves a half-written entry.
func (c *diskCache) put(key string, body []byte) error {
	if c == nil {
		return nil
	}
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := atomicfile.WriteBytes(p, body, 0o600); err != nil {
		return fmt.Errorf("cache: writing %s: %w", p, err)
	}
	return nil
}
