package factbookdocs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cemlab/cem/corpus/factbook"
)

// fixedDate makes the PDFs' bytes the same on every run.
var fixedDate = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Formats are the formats Render writes, in turn.
var Formats = []string{"html", "pdf", "docx"}

// CountryDoc is one country's profile as a document: the name as title
// and first heading, a level-2 heading per section, a level-3 heading
// per field (its path below the section, joined with " > "), and the
// field's text, one paragraph per line.
func CountryDoc(c *factbook.Country) Doc {
	d := Doc{Title: c.Name, Blocks: []Block{{1, c.Name}}}
	section := ""
	for _, f := range c.Fields {
		if len(f.Path) == 0 || strings.TrimSpace(f.Text) == "" {
			continue
		}
		if f.Path[0] != section {
			section = f.Path[0]
			d.Blocks = append(d.Blocks, Block{2, section})
		}
		if len(f.Path) > 1 {
			d.Blocks = append(d.Blocks, Block{3, strings.Join(f.Path[1:], " > ")})
		}
		for _, l := range strings.Split(f.Text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				d.Blocks = append(d.Blocks, Block{0, l})
			}
		}
	}
	return d
}

// Counts are the files Render wrote, by format.
type Counts map[string]int

// Render writes each country as <region>/<code>.<format> under dir, the
// formats taken in turn from formats (nil means Formats): with all three,
// about a third each.
func Render(ctx context.Context, countries []*factbook.Country, dir string, formats []string) (Counts, error) {
	if formats == nil {
		formats = Formats
	}
	counts := Counts{}
	for i, c := range countries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f := formats[i%len(formats)]
		var buf bytes.Buffer
		d := CountryDoc(c)
		var err error
		switch f {
		case "html":
			err = WriteHTML(&buf, d)
		case "pdf":
			err = WritePDF(&buf, d)
		case "docx":
			err = WriteDOCX(&buf, d)
		default:
			err = fmt.Errorf("unknown format %q", f)
		}
		if err != nil {
			return nil, fmt.Errorf("factbook documents: %s: %w", c.Code, err)
		}
		path := filepath.Join(dir, c.Region, c.Code+"."+f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
		counts[f]++
	}
	return counts, nil
}
