package workers

import "github.com/cemlab/cem/knowledge"

// Fingerprint is the source's fingerprint (see knowledge.Fingerprinter):
// a rebuilt index changes it, so the retrieval stage is redone.
func (r Retriever) Fingerprint() string { return knowledge.SourceFingerprint(r.Source) }
