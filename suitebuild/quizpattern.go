package suitebuild

import (
	"fmt"
	"strings"
)

// Pattern is one category of a bsdgames quiz(6) line: a small regular
// language written with
//
//	a|b    alternatives (at top level or inside brackets)
//	{pat}  an optional part
//	[pat]  grouping, as in C[^o|o^|o]te d'Ivoire
//	\c     the character c taken literally
//
// Expand lists the strings a pattern accepts; Canonical is the first,
// fullest one (optional parts included, first alternatives taken), with
// quiz accent notations such as ['e|e'|e] composed into "é".
type Pattern struct {
	Raw  string
	root pnode
}

// pnode is a parsed pattern: a literal, a sequence, alternatives or an
// optional part.
type pnode struct {
	kind pkind
	lit  string
	kids []pnode
}

type pkind uint8

const (
	pLit pkind = iota
	pSeq
	pAlt
	pOpt
)

// maxPatternDepth bounds bracket nesting.
const maxPatternDepth = 32

// ParsePattern parses one quiz category. Errors name the byte offset of
// the unbalanced bracket.
func ParsePattern(s string) (Pattern, error) {
	p := patternParser{s: s}
	root, err := p.alt(0)
	if err != nil {
		return Pattern{}, err
	}
	if p.i < len(s) {
		return Pattern{}, fmt.Errorf("offset %d: unexpected %q", p.i, s[p.i])
	}
	return Pattern{Raw: s, root: root}, nil
}

type patternParser struct {
	s string
	i int
}

// alt parses seq ('|' seq)* up to a closing bracket or the end.
func (p *patternParser) alt(depth int) (pnode, error) {
	if depth > maxPatternDepth {
		return pnode{}, fmt.Errorf("offset %d: brackets nested deeper than %d", p.i, maxPatternDepth)
	}
	var alts []pnode
	for {
		seq, err := p.seq(depth)
		if err != nil {
			return pnode{}, err
		}
		alts = append(alts, seq)
		if p.i < len(p.s) && p.s[p.i] == '|' {
			p.i++
			continue
		}
		break
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return pnode{kind: pAlt, kids: alts}, nil
}

// seq parses literals and bracketed parts up to '|', a closer or the end.
func (p *patternParser) seq(depth int) (pnode, error) {
	var kids []pnode
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			kids = append(kids, pnode{kind: pLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '|', '}', ']':
			flush()
			return pnode{kind: pSeq, kids: kids}, nil
		case '\\':
			if p.i+1 < len(p.s) {
				lit.WriteByte(p.s[p.i+1])
				p.i += 2
			} else {
				lit.WriteByte(c)
				p.i++
			}
		case '{', '[':
			flush()
			start := p.i
			p.i++
			inner, err := p.alt(depth + 1)
			if err != nil {
				return pnode{}, err
			}
			want := byte('}')
			if c == '[' {
				want = ']'
			}
			if p.i >= len(p.s) || p.s[p.i] != want {
				return pnode{}, fmt.Errorf("offset %d: %q is not closed by %q", start, c, want)
			}
			p.i++
			if c == '{' {
				inner = pnode{kind: pOpt, kids: []pnode{inner}}
			}
			kids = append(kids, inner)
		default:
			lit.WriteByte(c)
			p.i++
		}
	}
	flush()
	return pnode{kind: pSeq, kids: kids}, nil
}

// DefaultExpandLimit bounds Expand when limit <= 0.
const DefaultExpandLimit = 64

// Expand returns up to limit distinct strings the pattern accepts (limit
// <= 0 means DefaultExpandLimit), fullest first: optional parts present
// before absent, alternatives in written order. Surrounding spaces are
// trimmed and inner runs of spaces collapsed. The Canonical form, when it
// differs from every plain expansion (composed accents), comes first.
func (p Pattern) Expand(limit int) []string {
	if limit <= 0 {
		limit = DefaultExpandLimit
	}
	raw := expand(p.root, limit)
	out := make([]string, 0, len(raw)+1)
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.Join(strings.Fields(composeOverstrikes(s)), " ")
		if s != "" && !seen[s] && len(out) < limit {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(p.Canonical())
	for _, s := range raw {
		add(s)
	}
	return out
}

// expand lists the strings of n, at most limit of them.
func expand(n pnode, limit int) []string {
	switch n.kind {
	case pLit:
		return []string{n.lit}
	case pOpt:
		return append(expand(n.kids[0], limit), "")
	case pAlt:
		var out []string
		for _, k := range n.kids {
			out = append(out, expand(k, limit)...)
			if len(out) >= limit {
				return out[:limit]
			}
		}
		return out
	}
	out := []string{""}
	for _, k := range n.kids {
		parts := expand(k, limit)
		next := make([]string, 0, min(len(out)*len(parts), limit))
		for _, a := range out {
			for _, b := range parts {
				if len(next) < limit {
					next = append(next, a+b)
				}
			}
		}
		out = next
	}
	return out
}

// Canonical returns the fullest first form with accent notations composed
// ("Yaound['e|e'|e]" gives "Yaoundé"), spaces collapsed; "" for an empty
// pattern.
func (p Pattern) Canonical() string {
	return strings.Join(strings.Fields(composeOverstrikes(canonical(p.root))), " ")
}

// composeOverstrikes replaces typewriter overstrikes, a letter and an
// accent mark joined by a backspace ("e\b'" or "'\be"; the mark may be a
// non-ASCII character such as the degree sign of "°\bA"), by the composed
// letter; an overstrike it cannot compose loses its backspace and mark. It
// works on runes, so a multi-byte mark is never cut in half.
func composeOverstrikes(s string) string {
	if !strings.Contains(s, "\b") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		if i+2 < len(rs) && rs[i+1] == '\b' {
			x, y := rs[i], rs[i+2]
			if c, ok := accents[accentKey{x, y}]; ok {
				b.WriteString(c)
			} else if c, ok := accents[accentKey{y, x}]; ok {
				b.WriteString(c)
			} else if isASCIILetter(x) {
				b.WriteRune(x)
			} else {
				b.WriteRune(y)
			}
			i += 2
			continue
		}
		if rs[i] != '\b' {
			b.WriteRune(rs[i])
		}
	}
	return b.String()
}

func isASCIILetter(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func canonical(n pnode) string {
	switch n.kind {
	case pLit:
		return n.lit
	case pOpt:
		return canonical(n.kids[0])
	case pAlt:
		if c, ok := accentGroup(n); ok {
			return c
		}
		return canonical(n.kids[0])
	}
	var b strings.Builder
	for _, k := range n.kids {
		b.WriteString(canonical(k))
	}
	return b.String()
}

// IsEmpty reports whether the pattern accepts only the empty string.
func (p Pattern) IsEmpty() bool { return p.Canonical() == "" && len(expand(p.root, 2)) <= 1 }

// accentGroup recognises alternatives like ['e|e'|e] or [o|o/|/o]: one
// bare letter and the same letter with an accent mark before or after.
// It returns the composed letter.
func accentGroup(n pnode) (string, bool) {
	var bare rune
	var marked [][]rune
	for _, k := range n.kids {
		s, ok := literalOf(k)
		if !ok {
			return "", false
		}
		rs := []rune(strings.ReplaceAll(s, "\b", "")) // overstrike: 'e written as ' BS e
		switch len(rs) {
		case 1:
			if bare != 0 {
				return "", false // [z|c]: two letters, not an accent
			}
			bare = rs[0]
		case 2:
			marked = append(marked, rs)
		default:
			return "", false
		}
	}
	if bare == 0 || len(marked) == 0 {
		return "", false
	}
	for _, m := range marked {
		var mark rune
		switch {
		case m[0] == bare:
			mark = m[1]
		case m[1] == bare:
			mark = m[0]
		default:
			return "", false
		}
		if r, ok := accents[accentKey{bare, mark}]; ok {
			return r, true
		}
	}
	return "", false
}

// literalOf returns the text of a node made only of literals.
func literalOf(n pnode) (string, bool) {
	switch n.kind {
	case pLit:
		return n.lit, true
	case pSeq:
		var b strings.Builder
		for _, k := range n.kids {
			s, ok := literalOf(k)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	}
	return "", false
}

// accentKey is a letter and the quiz accent mark written with it.
type accentKey struct{ letter, mark rune }

// accents maps a letter and a quiz accent mark to the composed letter:
// ' acute, ` grave, ^ circumflex, " or : diaeresis, ~ tilde, / stroke,
// , cedilla, ° ring above.
var accents = func() map[accentKey]string {
	m := map[accentKey]string{}
	table := []struct {
		mark     rune
		letters  string
		composed string
	}{
		{'\'', "aeiouyAEIOUY", "áéíóúýÁÉÍÓÚÝ"},
		{'`', "aeiouAEIOU", "àèìòùÀÈÌÒÙ"},
		{'^', "aeiouAEIOU", "âêîôûÂÊÎÔÛ"},
		{'"', "aeiouyAEIOU", "äëïöüÿÄËÏÖÜ"},
		{':', "aeiouyAEIOU", "äëïöüÿÄËÏÖÜ"},
		{'~', "anoANO", "ãñõÃÑÕ"},
		{'/', "oO", "øØ"},
		{',', "cC", "çÇ"},
		{'°', "aA", "åÅ"},
	}
	for _, t := range table {
		composed := []rune(t.composed)
		for i, l := range []rune(t.letters) {
			m[accentKey{l, t.mark}] = string(composed[i])
		}
	}
	return m
}()
