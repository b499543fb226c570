package docs

import (
	"path"
	"strconv"
	"strings"

	"github.com/cemlab/cem/knowledge"
	"github.com/cemlab/cem/knowledge/web"
)

// block is a heading or a paragraph of a document, in reading order.
type block struct {
	level  int    // heading level 1..9; 0 for a paragraph
	text   string // one line for a heading
	page   int    // 1-based page of a PDF; 0 for other formats
	anchor string // an HTML heading's id
}

// document is what a format reader returns.
type document struct {
	title  string // the document's own title; "" for none
	blocks []block
}

// heading is one level of the current section's trail.
type heading struct {
	level int
	text  string
}

// passages cuts doc into passages: a new section starts at every heading
// (and, in a PDF, at every page), and a section's paragraphs are grouped
// into windows of at most c.MaxChars bytes. IDs are
// "<source>:<rel>#<n>" (n from 1), Titles "<document title>: <heading>
// > <sub-heading> ...", URLs rel with "#page=N" (PDF) or "#<anchor>"
// (HTML), and Fields "file", "format", "section" and, for PDF, "page".
func (c *Config) passages(doc *document, rel, format, license string) []knowledge.Passage {
	title := doc.title
	if title == "" {
		for _, b := range doc.blocks {
			if b.level > 0 {
				if b.level == 1 {
					title = b.text
				}
				break
			}
		}
	}
	if title == "" {
		base := path.Base(rel)
		title = strings.TrimSuffix(base, path.Ext(base))
	}
	var (
		out    []knowledge.Passage
		trail  []heading
		paras  []string
		page   int
		anchor string
	)
	flush := func() {
		if len(paras) == 0 {
			return
		}
		var names []string
		for _, h := range trail {
			if h.text != title {
				names = append(names, h.text)
			}
		}
		section := strings.Join(names, " > ")
		ptitle := title
		if section != "" {
			ptitle += ": " + section
		}
		url := rel
		switch {
		case page > 0:
			url += "#page=" + strconv.Itoa(page)
		case anchor != "":
			url += "#" + anchor
		}
		for _, text := range web.Windows(paras, c.MaxChars) {
			fields := map[string]string{"file": rel, "format": format, "section": section}
			if page > 0 {
				fields["page"] = strconv.Itoa(page)
			}
			out = append(out, knowledge.Passage{
				ID: c.Source + ":" + rel + "#" + strconv.Itoa(len(out)+1), Source: c.Source,
				Title: ptitle, Text: text, URL: url, License: license, Fields: fields,
			})
		}
		paras = paras[:0]
	}
	for _, b := range doc.blocks {
		if b.page != page {
			flush()
			page = b.page
		}
		if b.level > 0 {
			flush()
			for len(trail) > 0 && trail[len(trail)-1].level >= b.level {
				trail = trail[:len(trail)-1]
			}
			trail = append(trail, heading{b.level, b.text})
			anchor = b.anchor
			continue
		}
		if t := strings.TrimSpace(b.text); t != "" {
			paras = append(paras, t)
		}
	}
	flush()
	return out
}

// oneLine collapses the white space of s to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
