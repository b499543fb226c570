package curate

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Placeholders written in place of redacted personal data.
const (
	PlaceholderEmail = "[EMAIL]"
	PlaceholderPhone = "[PHONE]"
	PlaceholderIP    = "[IP]"
	PlaceholderCard  = "[CARD]"
	PlaceholderSSN   = "[SSN]"
)

// piiRule is one kind of personal data: a pattern, an optional validity
// check on the match, and its placeholder.
type piiRule struct {
	kind        string
	re          *regexp.Regexp
	valid       func(match string) bool
	placeholder string
}

var piiRules = []piiRule{
	{"email", regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`), nil, PlaceholderEmail},
	// Card numbers: 13 to 19 digits, contiguous or in groups of 4 (or the
	// 4-6-5 Amex layout), passing the Luhn check and not an ISBN-13.
	{"card", regexp.MustCompile(`\d{13,19}|\d{4}[ -]\d{6}[ -]\d{5}|\d{4}(?:[ -]\d{4}){2}[ -]\d{1,7}`), validCard, PlaceholderCard},
	{"ssn", regexp.MustCompile(`\d{3}-\d{2}-\d{4}`), nil, PlaceholderSSN},
	// Phone numbers: NANP-like 3-3-4 with separators and an optional
	// country code, or an international number starting with "+" and
	// holding at least 8 digits.
	{"phone", regexp.MustCompile(`(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}|\+\d{1,3}(?:[ .-]\d{1,4}){2,5}`), validPhone, PlaceholderPhone},
	{"ipv4", regexp.MustCompile(`(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`), nil, PlaceholderIP},
}

// Redactor replaces personal data in passage text with placeholders:
// e-mail addresses, Luhn-valid card numbers (13-19 digits; ISBN-13s, which
// start with 978 or 979, are left alone), US social security numbers
// (ddd-dd-dddd), phone numbers (ddd-ddd-dddd style with an optional
// country code or (area) code, or "+" followed by at least 8 digits in
// groups) and IPv4 addresses. A match must stand alone: a digit, or a dot
// or dash followed by a digit, on either side cancels it, so years,
// ranges ("1939-1945"), ISBN-10s ("0-306-40615-2"), version strings with
// more than four parts and longer digit runs are kept. It never rejects;
// every redacted candidate produces one Event counting what was replaced
// (the values themselves are not logged). The zero value is ready to use.
type Redactor struct{}

// Name is "pii".
func (Redactor) Name() string { return "pii" }

// Apply redacts the title and text of every candidate.
func (r Redactor) Apply(_ context.Context, in []Candidate) (Result, error) {
	return each(r.Name(), in, func(c *Candidate) (string, []Event) {
		counts := map[string]int{}
		c.Passage.Title = redact(c.Passage.Title, counts)
		c.Passage.Text = redact(c.Passage.Text, counts)
		if len(counts) == 0 {
			return "", nil
		}
		var parts []string
		for _, rule := range piiRules {
			if n := counts[rule.kind]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s x%d", rule.kind, n))
			}
		}
		return "", []Event{{PassageID: c.Passage.ID, ItemID: c.Claim.ItemID, Filter: r.Name(),
			Kind: "redact", Detail: strings.Join(parts, ", ")}}
	}), nil
}

// Redact returns s with personal data replaced as the Redactor does, and
// the number of replacements by kind (email, card, ssn, phone, ipv4).
func Redact(s string) (string, map[string]int) {
	counts := map[string]int{}
	return redact(s, counts), counts
}

func redact(s string, counts map[string]int) string {
	for _, rule := range piiRules {
		locs := rule.re.FindAllStringIndex(s, -1)
		if len(locs) == 0 {
			continue
		}
		var b strings.Builder
		last := 0
		for _, l := range locs {
			m := s[l[0]:l[1]]
			if !standsAlone(s, l[0], l[1]) || (rule.valid != nil && !rule.valid(m)) {
				continue
			}
			b.WriteString(s[last:l[0]])
			b.WriteString(rule.placeholder)
			last = l[1]
			counts[rule.kind]++
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s
}

// standsAlone reports whether s[i:j] is not glued to more digits: no
// digit or letter right before or after it, and no "."/"-" joining it to
// another digit.
func standsAlone(s string, i, j int) bool {
	isDigit := func(k int) bool { return k >= 0 && k < len(s) && s[k] >= '0' && s[k] <= '9' }
	isWord := func(k int) bool {
		return k >= 0 && k < len(s) && (isDigit(k) || s[k] == '_' || (s[k]|0x20 >= 'a' && s[k]|0x20 <= 'z'))
	}
	if isWord(i-1) || isWord(j) {
		return false
	}
	if i >= 2 && (s[i-1] == '.' || s[i-1] == '-') && isDigit(i-2) {
		return false
	}
	if (j < len(s)-1) && (s[j] == '.' || s[j] == '-') && isDigit(j+1) {
		return false
	}
	return true
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func validCard(m string) bool {
	d := digitsOf(m)
	if len(d) < 13 || len(d) > 19 {
		return false
	}
	if len(d) == 13 && (strings.HasPrefix(d, "978") || strings.HasPrefix(d, "979")) {
		return false
	}
	return luhn(d)
}

// luhn reports whether the digit string d passes the Luhn checksum.
func luhn(d string) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-1-i)%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

func validPhone(m string) bool { return len(digitsOf(m)) >= 8 }
