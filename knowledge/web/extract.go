package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/cemlab/cem/knowledge"
)

// MaxPassageBytes is about the longest passage: a section's paragraphs
// are grouped into windows of at most this many bytes (a longer
// paragraph is cut between words).
const MaxPassageBytes = 1200

// Extracted is the main text of a page, cut into passages.
type Extracted struct {
	Title string
	// License is the licence the page states (SPDX-like for Creative
	// Commons, else the URL or text it gives); "" when it states none.
	License, LicenseURL string
	Passages            []knowledge.Passage
}

// Extract finds the main text of p with readability (HTML) or takes
// its paragraphs (plain text), cuts it at headings and into paragraph
// windows, and returns passages carrying the page's URL (with the
// heading's anchor when it has one), title, fetch time and stated
// licence (license when it states none). source names the passages.
func Extract(p *Page, source, license string) (*Extracted, error) {
	base, err := url.Parse(p.FinalURL)
	if err != nil {
		return nil, &Refusal{URL: p.URL, Reason: ReasonScheme, Detail: err.Error()}
	}
	var secs []Section
	out := &Extracted{}
	if strings.HasPrefix(strings.ToLower(p.ContentType), "text/plain") {
		out.Title = path.Base(base.Path)
		secs = []Section{{Paras: paragraphs(p.Body)}}
	} else {
		doc, err := html.Parse(strings.NewReader(p.Body))
		if err != nil {
			return nil, &Refusal{URL: p.URL, Reason: ReasonNoText, Detail: fmt.Sprintf("HTML: %v", err)}
		}
		out.LicenseURL, out.License = statedLicense(doc, base)
		dropEditChrome(doc)
		art, err := readability.FromDocument(doc, base)
		if err != nil || art.Node == nil {
			return nil, &Refusal{URL: p.URL, Reason: ReasonNoText, Detail: fmt.Sprintf("readability found no main text (%v)", err)}
		}
		// The document's own <title>: readability's guess drops what
		// follows a colon, which cuts "Page (Manual: subtitle)" badly.
		out.Title = DocTitle(doc)
		if out.Title == "" {
			out.Title = strings.TrimSpace(art.Title())
		}
		secs = Sections(art.Node)
	}
	if out.Title == "" {
		out.Title = base.Host + base.Path
	}
	lic := out.License
	if lic == "" {
		lic = license
	}
	sum := sha256.Sum256([]byte(p.FinalURL))
	id := source + ":" + hex.EncodeToString(sum[:6])
	fetched := p.Fetched.UTC().Format(time.RFC3339)
	for _, s := range secs {
		title := out.Title
		if s.Heading != "" && s.Heading != out.Title {
			title += ": " + s.Heading
		}
		u := *base
		u.Fragment = ""
		if s.Anchor != "" {
			u.Fragment = s.Anchor
		}
		for _, chunk := range Windows(s.Paras, MaxPassageBytes) {
			fields := map[string]string{"page": out.Title, "section": s.Heading, "fetched": fetched}
			if out.LicenseURL != "" {
				fields["license_url"] = out.LicenseURL
			}
			out.Passages = append(out.Passages, knowledge.Passage{
				ID: fmt.Sprintf("%s/%d", id, len(out.Passages)), Source: source, Title: title, Text: chunk,
				URL: u.String(), License: lic, Fields: fields,
			})
		}
	}
	if len(out.Passages) == 0 {
		return nil, &Refusal{URL: p.URL, Reason: ReasonNoText, Detail: "no text after extraction"}
	}
	return out, nil
}

// Section is a heading and the paragraphs under it.
type Section struct {
	Heading, Anchor string
	// Level is the heading's level, 1 to 6 for h1 to h6; 0 for the text
	// before the first heading.
	Level int
	Paras []string
}

// Sections cuts the HTML tree under n into sections at the headings h1 to
// h6, each with its paragraphs (block elements and <br> end paragraphs;
// script, style, noscript and template are left out; <pre> keeps its
// spacing). A heading with no paragraphs under it is kept, with empty
// Paras, so that the nesting of the headings shows.
func Sections(n *html.Node) []Section {
	w := &walker{}
	w.walk(n, false)
	w.flush()
	return w.secs
}

// walker turns an HTML tree into sections of paragraphs.
type walker struct {
	secs []Section
	cur  Section
	buf  strings.Builder
}

var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Pre: true, atom.Li: true, atom.Dd: true, atom.Dt: true,
	atom.Blockquote: true, atom.Tr: true, atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Dl: true,
	atom.Section: true, atom.Article: true, atom.Figure: true, atom.Figcaption: true, atom.Hr: true,
}

var headings = map[atom.Atom]bool{atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true}

func (w *walker) walk(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			w.buf.WriteString(n.Data)
			return
		}
		words := strings.Fields(n.Data)
		if len(words) == 0 || strings.TrimLeft(n.Data, " \t\r\n") != n.Data {
			w.space()
		}
		w.buf.WriteString(strings.Join(words, " "))
		if len(words) > 0 && strings.TrimRight(n.Data, " \t\r\n") != n.Data {
			w.space()
		}
		return
	case html.ElementNode:
		switch {
		case n.DataAtom == atom.Script || n.DataAtom == atom.Style || n.DataAtom == atom.Noscript || n.DataAtom == atom.Template:
			return
		case headings[n.DataAtom]:
			w.para()
			w.flush()
			w.cur.Heading = strings.Join(strings.Fields(textOf(n)), " ")
			w.cur.Anchor = anchorOf(n)
			w.cur.Level = int(n.Data[1] - '0')
			return
		case n.DataAtom == atom.Br:
			w.buf.WriteByte('\n')
			return
		case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
			w.space()
		}
	}
	block := n.Type == html.ElementNode && blocks[n.DataAtom]
	if block {
		w.para()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, pre || n.DataAtom == atom.Pre)
	}
	if block {
		w.para()
	}
}

// space writes one space between words.
func (w *walker) space() {
	if s := w.buf.String(); s != "" && !strings.HasSuffix(s, " ") && !strings.HasSuffix(s, "\n") {
		w.buf.WriteByte(' ')
	}
}

// para ends the paragraph being written.
func (w *walker) para() {
	t := strings.TrimSpace(w.buf.String())
	w.buf.Reset()
	if t != "" {
		w.cur.Paras = append(w.cur.Paras, t)
	}
}

// flush ends the section being written.
func (w *walker) flush() {
	w.para()
	if len(w.cur.Paras) > 0 || w.cur.Heading != "" {
		w.secs = append(w.secs, w.cur)
	}
	w.cur = Section{}
}

// DocTitle is the text of the first <title> under n, its white space
// collapsed; "" when there is none.
func DocTitle(n *html.Node) string {
	if n.Type == html.ElementNode && n.DataAtom == atom.Title {
		return strings.Join(strings.Fields(textOf(n)), " ")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if t := DocTitle(c); t != "" {
			return t
		}
	}
	return ""
}

// textOf is the text under n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

// dropEditChrome removes a wiki's editing chrome under n, such as
// MediaWiki's "[ edit ]" link beside each heading (span.mw-editsection),
// which is not text of the page. It runs before readability, which
// strips the class attributes that mark it.
func dropEditChrome(n *html.Node) {
	DropElements(n, func(c *html.Node) bool { return hasToken(attr(c, "class"), "mw-editsection") })
}

// DropElements removes every element under n for which drop is true,
// with all it holds.
func DropElements(n *html.Node, drop func(*html.Node) bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && drop(c) {
			n.RemoveChild(c)
		} else {
			DropElements(c, drop)
		}
		c = next
	}
}

// anchorOf is the id of a heading, or of an element inside it.
func anchorOf(n *html.Node) string {
	if id := attr(n, "id"); id != "" {
		return id
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if id := anchorOf(c); id != "" {
				return id
			}
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// paragraphs splits plain text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range regexp.MustCompile(`\n\s*\n`).Split(strings.ReplaceAll(text, "\r\n", "\n"), -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Windows groups paragraphs into pieces of at most about n bytes, the
// paragraphs of a piece separated by a blank line; a longer paragraph is
// cut between words (inside a word when it has no space).
func Windows(paras []string, n int) []string {
	var out []string
	var cur strings.Builder
	emit := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, p := range paras {
		for len(p) > n {
			cut := strings.LastIndexAny(p[:n], " \n")
			if cut <= 0 {
				cut = n
				for cut > 1 && !utf8.RuneStart(p[cut]) {
					cut--
				}
			}
			emit()
			out = append(out, strings.TrimSpace(p[:cut]))
			p = strings.TrimSpace(p[cut:])
		}
		if cur.Len() > 0 && cur.Len()+2+len(p) > n {
			emit()
		}
		if cur.Len() > 0 {
			cur.WriteString("\n\n")
		}
		cur.WriteString(p)
	}
	emit()
	return out
}

var ccPath = regexp.MustCompile(`^/licenses/([a-z-]+)/(\d+(?:\.\d+)?)`)

// CCLicense names a Creative Commons licence or public-domain tool URL
// the SPDX way (CC-BY-SA-4.0, CC0-1.0, public-domain); "" for other URLs.
func CCLicense(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.HasSuffix(strings.ToLower(u.Host), "creativecommons.org") {
		return ""
	}
	p := strings.ToLower(u.Path)
	switch {
	case strings.HasPrefix(p, "/publicdomain/zero/1.0"):
		return "CC0-1.0"
	case strings.HasPrefix(p, "/publicdomain/mark/"):
		return "public-domain"
	}
	m := ccPath.FindStringSubmatch(p)
	if m == nil {
		return ""
	}
	return "CC-" + strings.ToUpper(m[1]) + "-" + m[2]
}

// statedLicense finds the licence a page states: a rel="license" link
// (<link> or <a>), else a license/dc.rights/dcterms.license <meta>,
// else any link to a Creative Commons licence. It returns the URL (or
// text) found and its name (CCLicense's where it knows it, else the
// URL or text itself).
func statedLicense(doc *html.Node, base *url.URL) (string, string) {
	var rel, meta, cc string
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Link, atom.A:
				href := attr(n, "href")
				if href == "" {
					break
				}
				if u, err := base.Parse(href); err == nil {
					href = u.String()
				}
				if rel == "" && hasToken(attr(n, "rel"), "license") {
					rel = href
				}
				if cc == "" && CCLicense(href) != "" {
					cc = href
				}
			case atom.Meta:
				switch strings.ToLower(attr(n, "name")) {
				case "license", "dc.rights", "dcterms.license", "dc.license":
					if meta == "" {
						meta = strings.TrimSpace(attr(n, "content"))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(doc)
	for _, found := range []string{rel, meta, cc} {
		if found != "" {
			if name := CCLicense(found); name != "" {
				return found, name
			}
			return found, found
		}
	}
	return "", ""
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
