package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Fingerprinter is a Source that can say what it would return: two
// sources with the same fingerprint give the same hits for the same
// query. The loop folds a source's fingerprint into the retrieval stage's
// input hash, so a rebuilt index is never answered from stale results.
type Fingerprinter interface {
	Fingerprint() string
}

// Fingerprint is the SHA-256 of the index file's bytes and the source
// name.
func (ix *Index) Fingerprint() string {
	ix.printOnce.Do(func() {
		h := sha256.New()
		h.Write(ix.data)
		fmt.Fprintf(h, "\x00%s", ix.opts.Name)
		ix.print = hex.EncodeToString(h.Sum(nil))
	})
	return ix.print
}

// Fingerprint combines the members' fingerprints with their k and
// weight; a member without one contributes its name only (its settings
// are in the configuration, which the loop hashes anyway).
func (f *Fused) Fingerprint() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rrf %g", f.RRFK)
	for _, m := range f.Members {
		fmt.Fprintf(&b, "\x00%s k=%d w=%g %s", m.Source.Name(), m.K, m.Weight, SourceFingerprint(m.Source))
	}
	s := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(s[:])
}

// SourceFingerprint returns s's fingerprint, "" when it has none.
func SourceFingerprint(s Source) string {
	if f, ok := s.(Fingerprinter); ok {
		return f.Fingerprint()
	}
	return ""
}
