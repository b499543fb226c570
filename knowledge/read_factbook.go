package knowledge

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/cemlab/cem/corpus/factbook"
)

// ReadFactbook reads the CIA World Factbook folder dir (one sub-folder per
// region, one JSON file per country) into one passage per field, in
// region, country and file order.
//
// Title is "<country>: <section> > <field> [> <subfield>]"; Text is
// "<country>, <field path>: <text>" so that the country name is searchable
// with the field. Fields holds "country", "code", "region", "section" and
// "field" (the path below the section, joined with " > "). IDs are
// "factbook:<code>/<path>" (path elements lower-cased, spaces as '-', with
// ".2", ".3", ... on repeats); URL is "<region>/<code>.json#<path>". Fields
// whose text is empty are listed in Skipped.
func ReadFactbook(ctx context.Context, dir string) (*Corpus, error) {
	countries, err := factbook.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("factbook: %w", err)
	}
	c := &Corpus{Name: "factbook"}
	for _, ct := range countries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		used := map[string]int{}
		for _, f := range ct.Fields {
			path := strings.Join(f.Path, " > ")
			url := fmt.Sprintf("%s/%s.json#%s", ct.Region, ct.Code, strings.Join(f.Path, "/"))
			if strings.TrimSpace(f.Text) == "" {
				c.skip(url, "empty text")
				continue
			}
			if len(f.Path) == 0 {
				c.skip(url, "field without a path")
				continue
			}
			id := ct.Code + "/" + slugPath(f.Path)
			used[id]++
			if n := used[id]; n > 1 {
				id += "." + strconv.Itoa(n)
			}
			c.Passages = append(c.Passages, Passage{
				ID:      "factbook:" + id,
				Source:  "factbook",
				Title:   ct.Name + ": " + path,
				Text:    ct.Name + ", " + path + ": " + f.Text,
				URL:     url,
				License: LicenseFactbook,
				Fields: map[string]string{
					"country": ct.Name,
					"code":    ct.Code,
					"region":  ct.Region,
					"section": f.Path[0],
					"field":   strings.Join(f.Path[1:], " > "),
				},
			})
		}
	}
	return c, nil
}

// slugPath lower-cases the path elements, replaces spaces with '-' and
// joins them with '/'.
func slugPath(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = strings.ReplaceAll(strings.ToLower(strings.Join(strings.Fields(p), " ")), " ", "-")
	}
	return strings.Join(parts, "/")
}
