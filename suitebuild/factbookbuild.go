package suitebuild

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/exam"
)

// factbookRelation asks about one Factbook field.
type factbookRelation struct {
	path     []string
	relation string // fact relation and topic
	forward  string // %s is the country name
	reverse  string // %s is the answer; "" for none
	// clean turns the field text into the answer and aliases; ok false
	// skips the country.
	clean func(text string) (answer string, aliases []string, ok bool)
}

var (
	elevationRe  = regexp.MustCompile(`\s+-?[\d,.]+\s*m\b.*$`)
	yearRe       = regexp.MustCompile(`\b(1[0-9]{3}|20[0-9]{2})\b`)
	currencyCode = regexp.MustCompile(`\(([A-Z]{3})\)`)
	parenRe      = regexp.MustCompile(`\s*\([^)]*\)`)
)

// firstClause returns s up to the first ';' or newline, without
// parenthesised remarks, trimmed.
func firstClause(s string) string {
	if i := strings.IndexAny(s, ";\n"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(parenRe.ReplaceAllString(s, ""))
}

// usable rejects empty and placeholder answers.
func usable(s string) bool {
	l := strings.ToLower(s)
	return s != "" && l != "none" && l != "na" && !strings.HasPrefix(l, "unnamed") &&
		!strings.HasPrefix(l, "no ") && !strings.Contains(l, "note") && len(s) <= 80
}

// firstClauseAnswer is a clean func answering with the field's first
// clause and no aliases.
func firstClauseAnswer(t string) (string, []string, bool) {
	a := firstClause(t)
	return a, nil, usable(a)
}

var factbookRelations = []factbookRelation{
	{[]string{"Government", "Capital", "name"}, "capital",
		"What is the capital of %s?", "%s is the capital of which country?",
		firstClauseAnswer},
	{[]string{"Economy", "Exchange rates", "Currency"}, "currency",
		"What is the currency of %s?", "",
		func(t string) (string, []string, bool) {
			t = firstClause(strings.SplitN(t, " per ", 2)[0])
			var aliases []string
			if m := currencyCode.FindStringSubmatch(t); m != nil {
				aliases = append(aliases, m[1])
			}
			a := strings.TrimSpace(currencyCode.ReplaceAllString(t, ""))
			if s := strings.TrimSuffix(a, "s"); s != a && s != "" {
				aliases = append(aliases, s) // singular
			}
			return a, aliases, usable(a)
		}},
	{[]string{"Government", "Independence"}, "independence",
		"In what year did %s become independent?", "",
		func(t string) (string, []string, bool) {
			c := firstClause(t)
			y := yearRe.FindString(c)
			return y, []string{c}, y != "" && usable(c)
		}},
	{[]string{"Communications", "Internet country code"}, "internet code",
		"What is the internet country code of %s?", "Which country has the internet country code %s?",
		func(t string) (string, []string, bool) {
			a := strings.Fields(firstClause(t) + " ")
			if len(a) == 0 || !strings.HasPrefix(a[0], ".") {
				return "", nil, false
			}
			code := strings.TrimRight(a[0], ",")
			return code, []string{strings.TrimPrefix(code, ".")}, len(code) >= 3
		}},
	{[]string{"People and Society", "Nationality", "adjective"}, "nationality",
		"What adjective describes people and things from %s?", `Which country does the adjective "%s" refer to?`,
		func(t string) (string, []string, bool) {
			parts := strings.Split(strings.ReplaceAll(firstClause(t), " or ", ","), ",")
			a := strings.TrimSpace(parts[0])
			var aliases []string
			for _, p := range parts[1:] {
				if p = strings.TrimSpace(p); p != "" {
					aliases = append(aliases, p)
				}
			}
			return a, aliases, usable(a)
		}},
	{[]string{"Geography", "Elevation", "highest point"}, "highest point",
		"What is the highest point of %s?", "%s is the highest point of which country?",
		func(t string) (string, []string, bool) {
			a := strings.TrimSpace(elevationRe.ReplaceAllString(firstClause(t), ""))
			return a, nil, usable(a) && !strings.ContainsAny(a, "0123456789")
		}},
	{[]string{"Government", "Government type"}, "government type",
		"What type of government does %s have?", "",
		firstClauseAnswer},
	{[]string{"People and Society", "Languages", "Languages"}, "official language",
		"What is an official language of %s?", "",
		func(t string) (string, []string, bool) {
			langs := officialLanguages(t)
			if len(langs) == 0 {
				return "", nil, false
			}
			return langs[0], langs[1:], true
		}},
}

// officialLanguages returns the languages a Languages field marks
// "(official" in, in order.
func officialLanguages(t string) []string {
	var out []string
	depth, start := 0, 0
	t = firstClause2(t)
	for i := 0; i <= len(t); i++ {
		if i < len(t) {
			switch t[i] {
			case '(':
				depth++
				continue
			case ')':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		part := t[start:i]
		start = i + 1
		if strings.Contains(strings.ToLower(part), "(official") {
			name := strings.TrimSpace(parenRe.ReplaceAllString(part, ""))
			name = strings.TrimSpace(strings.TrimRight(name, "0123456789.% "))
			if usable(name) && !strings.ContainsAny(name, "0123456789") {
				out = append(out, name)
			}
		}
	}
	return out
}

// firstClause2 returns s up to the first ';' or newline, keeping
// parentheses.
func firstClause2(s string) string {
	if i := strings.IndexAny(s, ";\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

// FactbookItems builds open questions from Factbook profiles: capital,
// currency, year of independence, internet country code, nationality
// adjective, highest point, government type and official language, as
// each profile has them. Capital, internet code, nationality and highest
// point also get reverse questions where the answer belongs to one
// country only. Items use Fact FactID(relation, country name), so
// "What is the capital of Chad?" shares "capital/chad" with the quiz and
// WordNet items. Profiles without a country name (oceans, the world) are
// skipped. Topic is the relation.
func FactbookItems(countries []*factbook.Country) []exam.Item {
	type row struct {
		c       *factbook.Country
		answer  string
		aliases []string
	}
	var items []exam.Item
	for _, rel := range factbookRelations {
		var rows []row
		owners := map[string]int{}
		for _, c := range countries {
			if c.Name == strings.ToUpper(c.Code) {
				continue
			}
			text, ok := c.Get(rel.path...)
			if !ok {
				continue
			}
			a, aliases, ok := rel.clean(text)
			if !ok {
				continue
			}
			rows = append(rows, row{c, a, aliases})
			owners[exam.Normalize(a)]++
		}
		for _, r := range rows {
			base := exam.Item{
				Topic:    slug(rel.relation),
				Source:   "factbook:" + r.c.Region + "/" + r.c.Code,
				Fact:     FactID(rel.relation, r.c.Name),
				Subject:  r.c.Name,
				Relation: rel.relation,
				Object:   r.answer,
			}
			id := "factbook-" + slug(rel.relation) + "-" + r.c.Code
			items = append(items, ask(base, id+"-fwd", exam.VariantForward,
				fmt.Sprintf(rel.forward, r.c.Name), r.answer, without(dedupeFold(r.aliases), r.answer)))
			if rel.reverse == "" || owners[exam.Normalize(r.answer)] != 1 {
				continue
			}
			var longName []string
			if long, ok := r.c.Get("Government", "Country name", "conventional long form"); ok && usable(long) && long != r.c.Name {
				longName = []string{long}
			}
			items = append(items, ask(base, id+"-rev", exam.VariantReverse,
				fmt.Sprintf(rel.reverse, r.answer), r.c.Name, longName))
		}
	}
	return items
}
