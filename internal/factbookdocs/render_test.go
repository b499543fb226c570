package factbookdocs

import (
	"testing"

	"github.com/cemlab/cem/corpus/factbook"
)

func TestCountryDoc(t *testing.T) {
	c := &factbook.Country{Code: "tl", Region: "europe", Name: "Testland", Fields: []factbook.Field{
		{Path: []string{"Government", "Capital", "name"}, Text: "Testville"},
		{Path: []string{"Government", "Capital", "note"}, Text: "first line\nsecond line"},
		{Path: []string{"Economy", "Overview"}, Text: ""},
		{Path: []string{"Economy"}, Text: "Trade."},
	}}
	want := []Block{{1, "Testland"}, {2, "Government"}, {3, "Capital > name"}, {0, "Testville"},
		{3, "Capital > note"}, {0, "first line"}, {0, "second line"}, {2, "Economy"}, {0, "Trade."}}
	d := CountryDoc(c)
	if d.Title != "Testland" || len(d.Blocks) != len(want) {
		t.Fatalf("CountryDoc = %q, %v; want Testland, %v", d.Title, d.Blocks, want)
	}
	for i, b := range d.Blocks {
		if b != want[i] {
			t.Errorf("block %d = %v; want %v", i, b, want[i])
		}
	}
}
