package mediawiki

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Section is the plain text under one heading of a parsed page.
type Section struct {
	// Path holds the headings from level 2 down to this section's
	// (empty for the lead before the first heading).
	Path []string
	// Anchor is the heading's id (the URL fragment), "" for the lead.
	Anchor string
	// Text is the section's text: one line per paragraph, list item or
	// table row, runs of spaces collapsed.
	Text string
}

// skipClasses mark elements whose text is not article prose: edit links,
// footnote markers and lists, the table of contents, navigation boxes.
var skipClasses = []string{"mw-editsection", "reference", "references", "mw-references-wrap",
	"toc", "navbox", "metadata", "noprint", "mw-jump-link", "catlinks", "mw-empty-elt"}

// Sections splits the HTML of action=parse into sections at h2..h6,
// dropping markup, scripts, styles and the elements of skipClasses. It
// understands both the heading markup of MediaWiki up to 1.42 (<h2><span
// class="mw-headline" id=...>) and the later one (<div class="mw-heading">
// <h2 id=...>). Sections without text are left out.
func Sections(page string) ([]Section, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, err
	}
	var out []Section
	var path []string
	cur := Section{}
	var b strings.Builder
	flush := func() {
		cur.Text = cleanLines(b.String())
		if cur.Text != "" {
			out = append(out, cur)
		}
		b.Reset()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if skipped(n) {
				return
			}
			if lvl := headingLevel(n.DataAtom); lvl > 0 {
				flush()
				title := cleanLines(textOf(n))
				depth := max(lvl-2, 0)
				if depth > len(path) {
					depth = len(path)
				}
				path = append(path[:depth:depth], title)
				cur = Section{Path: path, Anchor: anchorOf(n)}
				return
			}
			if n.DataAtom == atom.Br {
				b.WriteByte('\n')
			}
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
		if n.Type == html.ElementNode && blockLevel(n.DataAtom) {
			b.WriteByte('\n')
		} else if n.Type == html.ElementNode && (n.DataAtom == atom.Td || n.DataAtom == atom.Th) {
			b.WriteByte(' ')
		}
	}
	walk(doc)
	flush()
	return out, nil
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

func blockLevel(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Tr, atom.Dd, atom.Dt, atom.Blockquote, atom.Pre,
		atom.Ul, atom.Ol, atom.Dl, atom.Table, atom.Caption, atom.H1, atom.Figcaption:
		return true
	}
	return false
}

// skipped reports whether n and its children carry no article text.
func skipped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Link, atom.Meta:
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			for _, c := range strings.Fields(a.Val) {
				for _, s := range skipClasses {
					if c == s {
						return true
					}
				}
			}
		case "id":
			if a.Val == "toc" {
				return true
			}
		}
	}
	return false
}

// anchorOf returns the heading's id: its own, or its mw-headline span's.
func anchorOf(h *html.Node) string {
	if id := attr(h, "id"); id != "" {
		return id
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil && found == ""; ch = ch.NextSibling {
			if ch.Type == html.ElementNode {
				if id := attr(ch, "id"); id != "" {
					found = id
					return
				}
				walk(ch)
			}
		}
	}
	walk(h)
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf returns the text below n, without skipped elements.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && skipped(n) {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return b.String()
}

// cleanLines collapses spaces within lines and drops empty lines.
func cleanLines(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
