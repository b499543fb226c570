// Package factbookwiki renders CIA World Factbook profiles as MediaWiki
// articles: one page per country, a level-2 section per Factbook section
// and a level-3 section per field, so that a local MediaWiki loaded with
// them can be searched like an encyclopedia. The generated files are test
// data, written on demand and never committed.
package factbookwiki

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/internal/atomicfile"
)

// Page is one article: its title and its wikitext.
type Page struct {
	Title string
	Text  string
}

// Render returns the article of c. Field text is wrapped in <nowiki> so
// that no Factbook text is read as markup.
func Render(c *factbook.Country) Page {
	var b strings.Builder
	fmt.Fprintf(&b, "'''%s''' is a profile of the CIA World Factbook (region: %s).\n", nowiki(c.Name), nowiki(c.Region))
	var section, field string
	for _, f := range c.Fields {
		if len(f.Path) == 0 || strings.TrimSpace(f.Text) == "" {
			continue
		}
		if f.Path[0] != section {
			section, field = f.Path[0], ""
			fmt.Fprintf(&b, "\n== %s ==\n", heading(section))
		}
		if len(f.Path) == 1 {
			fmt.Fprintf(&b, "%s\n", paragraphs(f.Text))
			continue
		}
		if f.Path[1] != field {
			field = f.Path[1]
			fmt.Fprintf(&b, "\n=== %s ===\n", heading(field))
		}
		if len(f.Path) > 2 {
			fmt.Fprintf(&b, "'''%s''': ", nowiki(strings.Join(f.Path[2:], " > ")))
		}
		fmt.Fprintf(&b, "%s\n\n", paragraphs(f.Text))
	}
	return Page{Title: Title(c.Name), Text: b.String()}
}

// Title makes a page title of a country name: characters MediaWiki does
// not allow in titles (#<>[]|{}) and '/' (a file name here) become ' '.
func Title(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune("#<>[]|{}/_", r) {
			return ' '
		}
		return r
	}, name)
	return strings.Join(strings.Fields(name), " ")
}

// PageURL is the address of the rendered page of the profile named
// country on the wiki whose api.php is api (index.php?title=..., in the
// same folder), for tests that fetch the wiki's HTML pages as web pages.
func PageURL(api, country string) string {
	base := strings.TrimSuffix(api, "api.php")
	return base + "index.php?title=" + url.QueryEscape(strings.ReplaceAll(Title(country), " ", "_"))
}

func nowiki(s string) string {
	return "<nowiki>" + strings.ReplaceAll(s, "</nowiki>", "&lt;/nowiki&gt;") + "</nowiki>"
}

// heading makes s safe as a section heading: no '=' and no markup
// characters.
func heading(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune("=<>[]{}|'", r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// paragraphs keeps the text's line breaks as paragraph breaks.
func paragraphs(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, nowiki(line))
		}
	}
	return strings.Join(out, "\n\n")
}

// Write renders every profile of the Factbook folder dir into out, one
// "<title>.wiki" file per page (the name importTextFiles.php takes the
// title from), and returns the pages written. Two profiles with the same
// title are an error naming both codes.
func Write(dir, out string) ([]Page, error) {
	countries, err := factbook.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	seen := map[string]string{}
	var pages []Page
	for _, c := range countries {
		p := Render(c)
		if p.Title == "" {
			return nil, fmt.Errorf("factbookwiki: %s/%s: empty title", c.Region, c.Code)
		}
		if code, dup := seen[p.Title]; dup {
			return nil, fmt.Errorf("factbookwiki: %s and %s both have the title %q", code, c.Code, p.Title)
		}
		seen[p.Title] = c.Code
		if err := atomicfile.WriteBytes(filepath.Join(out, p.Title+".wiki"), []byte(p.Text), 0o644); err != nil {
			return nil, fmt.Errorf("factbookwiki: %s: %w", p.Title, err)
		}
		pages = append(pages, p)
	}
	return pages, nil
}
