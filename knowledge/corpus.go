package knowledge

import "fmt"

// Corpus is what a reader returns: the passages of one source in order
// and every input it left out, each with its reason. Readers never drop
// input silently.
type Corpus struct {
	Name     string
	Passages []Passage
	Skipped  []Skip
}

// Skip is one piece of input a reader left out on purpose.
type Skip struct {
	Where string // file:line, file:offset or an id
	Why   string
}

func (s Skip) String() string { return s.Where + ": " + s.Why }

// skip records a skipped input.
func (c *Corpus) skip(where, format string, args ...any) {
	c.Skipped = append(c.Skipped, Skip{Where: where, Why: fmt.Sprintf(format, args...)})
}

// Licence names used by the demo corpora, as given by their Debian
// copyright files.
const (
	LicenseWordNet  = "WordNet-3.0"
	LicenseGCIDE    = "GPL-2.0-or-later" // "version 2, or (at your option) any later version"
	LicenseFOLDOC   = "GFDL-1.1-or-later"
	LicenseElements = "public-domain"
	LicenseFactbook = "public-domain"
)

// Concat returns the passages of all corpora in order.
func Concat(corpora []*Corpus) []Passage {
	n := 0
	for _, c := range corpora {
		n += len(c.Passages)
	}
	out := make([]Passage, 0, n)
	for _, c := range corpora {
		out = append(out, c.Passages...)
	}
	return out
}
