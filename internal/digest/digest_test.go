package digest

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestJSON(t *testing.T) {
	sum := sha256.Sum256([]byte("\"a\"\x00[1,2]\x00"))
	if got, want := JSON("a", []int{1, 2}), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	if JSON("ab", "c") == JSON("a", "bc") {
		t.Error("JSON(\"ab\", \"c\") == JSON(\"a\", \"bc\")")
	}
	if JSON(func() {}) == JSON(nil) || JSON(func() {}) == JSON() {
		t.Error("an unencodable value hashes like another")
	}
}
