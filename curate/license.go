package curate

import (
	"context"
	"fmt"
	"strings"
)

// DefaultLicenses are the licences the demo corpora use (WordNet 3.0,
// GCIDE and the elements database under the GPL, FOLDOC under the GFDL,
// the bsdgames quiz files under BSD terms, the CIA World Factbook in the
// public domain) plus common open-content licences.
var DefaultLicenses = []string{
	"public-domain", "CC0-1.0", "WordNet-3.0",
	"GPL-2.0-or-later", "GPL-3.0-or-later", "GPL-2.0-only", "GPL-3.0-only",
	"GFDL-1.1-or-later", "GFDL-1.2-or-later", "GFDL-1.3-or-later",
	"BSD-3-Clause", "BSD-4-Clause-UC", "MIT",
	"CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
}

// Licenses keeps only passages whose License is in Allow (compared
// case-insensitively, surrounding space ignored). A passage with no
// licence is rejected as unknown. A nil Allow means DefaultLicenses; an
// empty non-nil Allow rejects everything.
type Licenses struct {
	Allow []string
}

// Name is "license".
func (Licenses) Name() string { return "license" }

// Apply rejects passages whose licence is missing or not allowed.
func (l Licenses) Apply(_ context.Context, in []Candidate) (Result, error) {
	allow := l.Allow
	if allow == nil {
		allow = DefaultLicenses
	}
	ok := map[string]bool{}
	for _, a := range allow {
		ok[strings.ToLower(strings.TrimSpace(a))] = true
	}
	return each(l.Name(), in, func(c *Candidate) (string, []Event) {
		lic := strings.ToLower(strings.TrimSpace(c.Passage.License))
		switch {
		case lic == "":
			return fmt.Sprintf("unknown licence (source %q gives none)", c.Passage.Source), nil
		case !ok[lic]:
			return fmt.Sprintf("licence %q not in the allow-list", c.Passage.License), nil
		}
		return "", nil
	}), nil
}
