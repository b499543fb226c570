package factbookdocs

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"
)

// Block is a heading (Level 1 to 6) or a paragraph (Level 0).
type Block struct {
	Level int
	Text  string
}

// Doc is a document to write.
type Doc struct {
	Title  string
	Blocks []Block
}

// WriteHTML writes d as an HTML page: the title in <title>, headings as
// <h1>..<h6>, paragraphs as <p>.
func WriteHTML(w io.Writer, d Doc) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body>\n", html.EscapeString(d.Title))
	for _, bl := range d.Blocks {
		if bl.Level > 0 {
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", bl.Level, html.EscapeString(bl.Text), bl.Level)
		} else {
			fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(bl.Text))
		}
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// pdfSizes are the font sizes of headings by level and of paragraphs.
var pdfSizes = [...]float64{10, 20, 16, 13, 12, 11.5, 11}

// NewPDF returns an fpdf document of d (A4, core Helvetica, text mapped
// to cp1252 so characters outside it print as '?'): headings bold at
// larger sizes, paragraphs at 10 pt. The caller may add protection
// before writing it.
func NewPDF(d Doc) *fpdf.Fpdf {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle(d.Title, true)
	p.SetCreationDate(fixedDate)
	p.SetModificationDate(fixedDate)
	tr := p.UnicodeTranslatorFromDescriptor("")
	p.AddPage()
	for _, bl := range d.Blocks {
		lvl := min(max(bl.Level, 0), 6)
		size := pdfSizes[lvl]
		style := ""
		if lvl > 0 {
			style = "B"
			p.Ln(size * 0.25)
		}
		p.SetFont("Helvetica", style, size)
		p.MultiCell(0, size*0.5, tr(bl.Text), "", "L", false)
		p.Ln(1.5)
	}
	return p
}

// WritePDF writes d as a PDF (see NewPDF).
func WritePDF(w io.Writer, d Doc) error {
	return NewPDF(d).Output(w)
}

// WriteDOCX writes d as a DOCX file: paragraphs with the built-in style
// ids Heading1..Heading6 (named "heading 1".. in styles.xml) and Title
// for the title.
func WriteDOCX(w io.Writer, d Doc) error {
	zw := zip.NewWriter(w)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rels},
		{"word/_rels/document.xml.rels", docRels},
		{"word/styles.xml", stylesXML()},
		{"word/document.xml", documentXML(d)},
	}
	for _, p := range parts {
		f, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return err
		}
	}
	return zw.Close()
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func documentXML(d Doc) string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	para := func(style, text string) {
		b.WriteString("<w:p>")
		if style != "" {
			fmt.Fprintf(&b, `<w:pPr><w:pStyle w:val="%s"/></w:pPr>`, style)
		}
		fmt.Fprintf(&b, `<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, xmlText(text))
	}
	for _, bl := range d.Blocks {
		style := ""
		if bl.Level > 0 {
			style = fmt.Sprintf("Heading%d", min(bl.Level, 6))
		}
		para(style, bl.Text)
	}
	b.WriteString(`<w:sectPr/></w:body></w:document>`)
	return b.String()
}

func stylesXML() string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	b.WriteString(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>`)
	b.WriteString(`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>`)
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&b, `<w:style w:type="paragraph" w:styleId="Heading%d"><w:name w:val="heading %d"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="%d"/></w:pPr></w:style>`, i, i, i-1)
	}
	b.WriteString(`</w:styles>`)
	return b.String()
}

const contentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`</Types>`

const rels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`</Relationships>`

const docRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`
