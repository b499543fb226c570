// Package digest names content by hash.
package digest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// JSON returns the hex SHA-256 of the JSON encodings of vs, in order, each
// followed by a zero byte (so that ("ab", "c") and ("a", "bc") differ). A
// value that cannot be encoded contributes its error text instead: only
// unsupported types fail, and a distinct hash keeps whatever it keys from
// being reused by mistake.
func JSON(vs ...any) string {
	h := sha256.New()
	for _, v := range vs {
		data, err := json.Marshal(v)
		if err != nil {
			data = []byte(err.Error())
		}
		h.Write(data)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
