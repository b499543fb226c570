package docs

import (
	"bytes"
	"regexp"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/cemlab/cem/knowledge/web"
)

// metaCharset finds a charset declared in the first KiB of an HTML file.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)`)

// readHTML reads an HTML file into blocks with knowledge/web's section
// walker over <body> (navigation, <nav>, left out). Unclosed or
// misnested tags are HTML as browsers read it, not errors; binary content
// (NUL bytes, or mostly control characters) is ReasonMalformedHTML. A
// file that is not UTF-8 is decoded with the charset its <meta> declares
// when x/net knows it, else refused with ReasonNotUTF8.
func readHTML(b []byte) (*document, error) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return nil, skipf(ReasonMalformedHTML, "binary content: NUL byte at offset %d", i)
	}
	if n, of := controlBytes(b[:min(len(b), 8192)]); n*10 > of {
		return nil, skipf(ReasonMalformedHTML, "binary content: %d of the first %d bytes are control characters", n, of)
	}
	if !utf8.Valid(b) {
		m := metaCharset.FindSubmatch(b[:min(len(b), 1024)])
		if m == nil {
			off, line := badUTF8(b)
			return nil, skipf(ReasonNotUTF8, "invalid UTF-8 at offset %d (line %d) and no <meta charset>", off, line)
		}
		enc, name := charset.Lookup(string(m[1]))
		if enc == nil || name == "utf-8" {
			off, line := badUTF8(b)
			return nil, skipf(ReasonNotUTF8, "invalid UTF-8 at offset %d (line %d); declared charset %q", off, line, m[1])
		}
		dec, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			return nil, skipf(ReasonNotUTF8, "declared charset %s: %v", name, err)
		}
		b = dec
	}
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, skipf(ReasonMalformedHTML, "%v", err)
	}
	doc := &document{title: web.DocTitle(root)}
	body := firstElement(root, atom.Body)
	if body == nil {
		body = root
	}
	web.DropElements(body, func(n *html.Node) bool { return n.DataAtom == atom.Nav })
	for _, s := range web.Sections(body) {
		if s.Heading != "" {
			doc.blocks = append(doc.blocks, block{level: s.Level, text: s.Heading, anchor: s.Anchor})
		}
		for _, p := range s.Paras {
			doc.blocks = append(doc.blocks, block{text: p})
		}
	}
	return doc, nil
}

// controlBytes counts the control bytes of b other than white space.
func controlBytes(b []byte) (n, of int) {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			n++
		}
	}
	return n, len(b)
}

// firstElement is the first element a under n, in document order.
func firstElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := firstElement(c, a); f != nil {
			return f
		}
	}
	return nil
}
