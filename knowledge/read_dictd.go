package knowledge

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/cemlab/cem/corpus/dictd"
)

// ReadDict reads the dictd dictionary name ("gcide", "foldoc", "elements"
// or any other) from its index and data files into one passage per
// distinct entry text: headwords pointing at the same text share a
// passage titled with the entry's own headword, the others listed in
// Fields["headwords"]. Markup is cleaned by the dictionary's
// own rules (GCIDE pronunciations, entity codes such as [ae], source tags
// such as [1913 Webster], cross-reference braces; FOLDOC categories and
// dates; the elements' "Key: value" lines become Fields); other
// dictionaries only lose the headword line and braces. dictd meta entries
// (00-database-*) and entries whose text is empty after cleaning are
// listed in Skipped. IDs are "<name>:<first headword>" with ".2", ".3", ...
// for later entries of the same headword; URL is "<data file>:<offset>".
func ReadDict(name, indexPath, dataPath string) (*Corpus, error) {
	d, err := dictd.Open(indexPath, dataPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := &Corpus{Name: name}
	spans, meta := d.Spans()
	if meta > 0 {
		c.skip(filepath.Base(indexPath), "%d dictd meta entries (00-database-*)", meta)
	}
	clean := dictCleaners[name]
	if clean == nil {
		clean = cleanGenericDict
	}
	license := dictLicenses[name]
	used := map[string]int{}
	base := filepath.Base(dataPath)
	for _, s := range spans {
		raw, err := d.SpanText(s)
		if err != nil {
			return nil, err
		}
		where := fmt.Sprintf("%s:%d", base, s.Offset)
		if strings.HasPrefix(string(raw), "00-database-") || strings.HasPrefix(string(raw), "00database") {
			c.skip(where, "dictd meta entry %q", s.Headwords[0])
			continue
		}
		text, fields := clean(string(raw))
		if text == "" {
			c.skip(where, "entry %q is empty after cleaning", s.Headwords[0])
			continue
		}
		head := primaryHeadword(string(raw), s.Headwords)
		id := strings.ReplaceAll(head, " ", "_")
		used[id]++
		if n := used[id]; n > 1 {
			id += "." + strconv.Itoa(n)
		}
		if others := otherHeadwords(head, s.Headwords); others != "" {
			if fields == nil {
				fields = map[string]string{}
			}
			fields["headwords"] = others
		}
		c.Passages = append(c.Passages, Passage{
			ID:      name + ":" + id,
			Source:  name,
			Title:   head,
			Text:    text,
			URL:     where,
			License: license,
			Fields:  fields,
		})
	}
	return c, nil
}

var dictLicenses = map[string]string{
	"gcide":    LicenseGCIDE,
	"foldoc":   LicenseFOLDOC,
	"elements": LicenseElements,
}

var dictCleaners = map[string]func(string) (string, map[string]string){
	"gcide":    cleanGCIDE,
	"foldoc":   cleanFOLDOC,
	"elements": cleanElements,
}

// primaryHeadword returns the word an entry's text starts with (up to a
// GCIDE pronunciation or a comma) when it is one of the entry's headwords,
// spelled as in the text; otherwise the first headword. Indexes often
// lower-case headwords and point sub-entries ("Apple blight") at the main
// entry ("Apple").
func primaryHeadword(raw string, headwords []string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(raw), "\n")
	if i := strings.IndexAny(first, "\\,"); i >= 0 {
		first = first[:i]
	}
	first = strings.Join(strings.Fields(first), " ")
	for _, h := range headwords {
		if strings.EqualFold(h, first) {
			return first
		}
	}
	return headwords[0]
}

// otherHeadwords lists the headwords other than head once each, ignoring
// case, joined with "|".
func otherHeadwords(head string, hw []string) string {
	out := []string{head}
	for _, h := range hw {
		dup := false
		for _, o := range out {
			if strings.EqualFold(o, h) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, h)
		}
	}
	return strings.Join(out[1:], "|")
}

// paragraphs splits text at blank lines and joins each paragraph's lines
// with single spaces.
func paragraphs(lines []string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(strings.Fields(strings.Join(cur, " ")), " "))
			cur = cur[:0]
		}
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

// dropHeadwordLines removes the leading lines up to the first blank line
// (the headword as dictfmt writes it at the top of each entry).
func dropHeadwordLines(lines []string) []string {
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			return lines[i:]
		}
	}
	return nil
}

var braces = strings.NewReplacer("{", "", "}", "")

func cleanGenericDict(raw string) (string, map[string]string) {
	lines := dropHeadwordLines(strings.Split(braces.Replace(raw), "\n"))
	return strings.Join(paragraphs(lines), "\n"), nil
}

// gcidePron matches a pronunciation: \Ab"a*ca\ and an optional
// parenthesised respelling after it.
var gcidePron = regexp.MustCompile(`\\[^\\\n]*\\(\s*\([^()\n]*\))?`)

// gcideSourceTag is a line holding only a source tag: [1913 Webster],
// [WordNet 1.5 +PJC], [Century Dict. 1906], [AS] ...
var gcideSourceTag = regexp.MustCompile(`^\s*\[(\d{4} Webster|Webster|WordNet|PJC|Century|RDH|AS\]|MW|Chambers|Note)[^\]]*\]?\s*$`)

// gcideEntities maps GCIDE's bracketed character codes to text. Codes
// not listed are kept as written.
var gcideEntities = func() *strings.Replacer {
	pairs := []string{
		"[ae]", "æ", "[AE]", "Æ", "[oe]", "œ", "[OE]", "Œ", "[eth]", "ð", "[thorn]", "þ",
		"['e]", "é", "['a]", "á", "['o]", "ó", "['i]", "í", "['u]", "ú", "['E]", "É",
		"[`e]", "è", "[`a]", "à", "[`o]", "ò", "[`u]", "ù", "[`i]", "ì",
		"[\"o]", "ö", "[\"e]", "ë", "[\"u]", "ü", "[\"i]", "ï", "[\"a]", "ä", "[aum]", "ä",
		"[^a]", "â", "[^e]", "ê", "[^i]", "î", "[^o]", "ô", "[^u]", "û",
		"[~n]", "ñ", "[~a]", "ã", "[~o]", "õ", "[,c]", "ç", "[deg]", "°", "[sect]", "§",
		"[root]", "√", "[imac]", "ī", "[=a]", "ā", "[=e]", "ē", "[=o]", "ō", "[=u]", "ū", "[=i]", "ī",
		"[=ae]", "ǣ", "[=oo]", "ōō", "[=y]", "ȳ", "[a^]", "ă", "[e^]", "ĕ", "[i^]", "ĭ", "[o^]", "ŏ",
		"[u^]", "ŭ", "[y^]", "y̆", "[oo^]", "ŏŏ", "[.a]", "ȧ", "[.u]", "u̇", "[-o]", "o", "[-e]", "e",
		"[-u]", "u", "[-i]", "i", "[~e]", "ẽ", "[ng]", "ŋ", "[th]", "th", "[asl]", "ʼ", "[add]", "+",
		"[udd]", "ü", "[yogh]", "ȝ", "[*a]", "a",
	}
	return strings.NewReplacer(pairs...)
}()

// cleanGCIDE turns a GCIDE entry into plain text: it removes
// pronunciations, source-tag lines and cross-reference braces, resolves
// character codes, and joins paragraphs.
func cleanGCIDE(raw string) (string, map[string]string) {
	if strings.IndexByte(raw, '\\') >= 0 {
		raw = gcidePron.ReplaceAllString(raw, "")
	}
	var kept []string
	for _, l := range strings.Split(raw, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "[") && gcideSourceTag.MatchString(t) {
			continue
		}
		kept = append(kept, l)
	}
	text := strings.Join(paragraphs(kept), "\n")
	text = gcideEntities.Replace(braces.Replace(text))
	text = strings.ReplaceAll(text, " ,", ",")
	return text, nil
}

// foldocCategory is the "<games, application>" tag at the start of a
// FOLDOC definition; foldocDate is the "(1995-03-17)" line ending it.
var (
	foldocCategory = regexp.MustCompile(`^<([^<>]*)>\s*`)
	foldocDate     = regexp.MustCompile(`^\((\d{4}-\d{2}-\d{2})\)$`)
)

// cleanFOLDOC drops the headword lines and cross-reference braces, moves
// the category tags and the date into Fields ("category", "date").
func cleanFOLDOC(raw string) (string, map[string]string) {
	paras := paragraphs(dropHeadwordLines(strings.Split(braces.Replace(raw), "\n")))
	fields := map[string]string{}
	var out []string
	for _, p := range paras {
		if m := foldocDate.FindStringSubmatch(p); m != nil {
			fields["date"] = m[1]
			continue
		}
		if m := foldocCategory.FindStringSubmatch(p); m != nil {
			if _, ok := fields["category"]; !ok {
				var cats []string
				for _, c := range strings.Split(m[1], ",") {
					if c = strings.TrimSpace(c); c != "" {
						cats = append(cats, c)
					}
				}
				fields["category"] = strings.Join(cats, "|")
			}
			p = p[len(m[0]):]
		}
		if p != "" {
			out = append(out, p)
		}
	}
	if len(fields) == 0 {
		fields = nil
	}
	return strings.Join(out, "\n"), fields
}

// cleanElements keeps the "Symbol: H" style lines as lines (and as
// Fields "symbol", "atomic_number", "atomic_weight") and joins the
// description into one paragraph.
func cleanElements(raw string) (string, map[string]string) {
	lines := strings.Split(raw, "\n")
	if len(lines) > 0 {
		lines = lines[1:] // the headword
	}
	fields := map[string]string{}
	var head []string
	i := 0
	for ; i < len(lines); i++ {
		k, v, ok := strings.Cut(lines[i], ":")
		if !ok || strings.TrimSpace(v) == "" || strings.Contains(k, " ") && !strings.HasPrefix(k, "Atomic ") {
			break
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		fields[strings.ToLower(strings.ReplaceAll(k, " ", "_"))] = v
		head = append(head, k+": "+v)
	}
	out := append(head, paragraphs(lines[i:])...)
	if len(fields) == 0 {
		fields = nil
	}
	return strings.Join(out, "\n"), fields
}
