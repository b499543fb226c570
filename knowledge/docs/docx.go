package docs

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// readDOCX reads a DOCX file: the paragraphs of word/document.xml in
// order (table cells' paragraphs included), a paragraph's text being its
// w:t runs, w:tab a space and w:br a line break. A paragraph is a heading
// when its style is a heading style of word/styles.xml (named "heading
// N" or "Title", or with an outline level) or has a style id HeadingN, or
// when it has its own w:outlineLvl. Each part is read under maxXMLBytes,
// against zip bombs, whatever its header claims.
func readDOCX(b []byte) (*document, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, skipf(ReasonCorruptDOCX, "not a zip archive: %v", err)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	main := parts["word/document.xml"]
	if main == nil {
		return nil, skipf(ReasonCorruptDOCX, "no word/document.xml in the archive")
	}
	levels := map[string]int{}
	if st := parts["word/styles.xml"]; st != nil {
		data, err := readPart(st)
		if err != nil {
			return nil, err
		}
		levels = styleLevels(data)
	}
	data, err := readPart(main)
	if err != nil {
		return nil, err
	}
	return docxBlocks(data, levels)
}

// readPart reads one archive member under maxXMLBytes.
func readPart(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxXMLBytes {
		return nil, skipf(ReasonTooLarge, "%s expands to %d bytes, over the cap of %d MiB", f.Name, f.UncompressedSize64, maxXMLBytes>>20)
	}
	r, err := f.Open()
	if err != nil {
		return nil, skipf(ReasonCorruptDOCX, "%s: %v", f.Name, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxXMLBytes+1))
	if err != nil {
		return nil, skipf(ReasonCorruptDOCX, "%s: %v", f.Name, err)
	}
	if len(data) > maxXMLBytes {
		return nil, skipf(ReasonTooLarge, "%s expands to over %d MiB (its header says %d bytes)", f.Name, maxXMLBytes>>20, f.UncompressedSize64)
	}
	return data, nil
}

// attr returns the value of the attribute local (any namespace).
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// headingLevel is the level a style's name or id says (heading 1 ->
// 1, Title -> 1), or 0.
func headingLevel(name string) int {
	n := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	if n == "title" {
		return 1
	}
	if rest, ok := strings.CutPrefix(n, "heading"); ok {
		if l, err := strconv.Atoi(rest); err == nil && l >= 1 && l <= 9 {
			return l
		}
	}
	return 0
}

// styleLevels maps the paragraph style ids of styles.xml to their heading
// levels.
func styleLevels(data []byte) map[string]int {
	out := map[string]int{}
	d := xml.NewDecoder(bytes.NewReader(data))
	id := ""
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch e.Name.Local {
		case "style":
			id = ""
			if attr(e, "type") == "paragraph" {
				id = attr(e, "styleId")
			}
		case "name":
			if l := headingLevel(attr(e, "val")); id != "" && l > 0 {
				out[id] = l
			}
		case "outlineLvl":
			if l, err := strconv.Atoi(attr(e, "val")); id != "" && err == nil && l >= 0 && l < 9 && out[id] == 0 {
				out[id] = l + 1
			}
		}
	}
}

// docxBlocks reads document.xml's paragraphs.
func docxBlocks(data []byte, levels map[string]int) (*document, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	doc := &document{}
	var (
		text  strings.Builder
		level int
		inP   bool
		inT   bool
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, skipf(ReasonCorruptDOCX, "word/document.xml: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				inP, level = true, 0
				text.Reset()
			case "pStyle":
				if l, ok := levels[attr(t, "val")]; ok {
					level = l
				} else if l := headingLevel(attr(t, "val")); l > 0 {
					level = l
				}
			case "outlineLvl":
				if l, err := strconv.Atoi(attr(t, "val")); err == nil && l >= 0 && l < 9 {
					level = l + 1
				}
			case "t":
				inT = true
			case "tab":
				text.WriteByte(' ')
			case "br", "cr":
				text.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "p":
				if inP {
					if s := strings.TrimSpace(text.String()); s != "" {
						if level > 0 {
							s = oneLine(s)
						}
						doc.blocks = append(doc.blocks, block{level: level, text: s})
					}
				}
				inP = false
			}
		case xml.CharData:
			if inT {
				text.Write(t)
			}
		}
	}
	return doc, nil
}
