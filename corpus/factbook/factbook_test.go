package factbook

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

var (
	fbOnce sync.Once
	fbVal  []*Country
	fbErr  error
)

// openReal opens the shared Factbook once (see demotest.Factbook).
func openReal(t testing.TB) []*Country {
	t.Helper()
	dir := demotest.Factbook(t)
	fbOnce.Do(func() { fbVal, fbErr = Open(dir) })
	if fbErr != nil {
		t.Fatalf("Open(%s): %v", dir, fbErr)
	}
	return fbVal
}

func find(cs []*Country, code string) *Country {
	for _, c := range cs {
		if c.Code == code {
			return c
		}
	}
	return nil
}

func TestOpenReal(t *testing.T) {
	cs := openReal(t)
	if len(cs) < 250 {
		t.Errorf("countries = %d; want at least 250", len(cs))
	}
	tests := []struct {
		code, region, name string
		path               []string
		want               string
	}{
		{"cd", "africa", "Chad", []string{"Government", "Capital", "name"}, "N'Djamena"},
		{"cd", "africa", "Chad", []string{"geography", "elevation", "highest point"}, "Emi Koussi 3,445 m"},
		{"cd", "africa", "Chad", []string{"Geography", "Area", "total"}, "1.284 million sq km"},
		{"iv", "africa", "Côte d'Ivoire", []string{"Government", "Country name", "conventional long form"}, "Republic of Côte d'Ivoire"},
		{"ct", "africa", "Central African Republic", []string{"Government", "Capital", "name"}, "Bangui"},
		{"gm", "europe", "Germany", []string{"Government", "Capital", "name"}, "Berlin"},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+strings.Join(tt.path, ">"), func(t *testing.T) {
			c := find(cs, tt.code)
			if c == nil {
				t.Fatalf("country %s not found", tt.code)
			}
			if c.Region != tt.region || c.Name != tt.name {
				t.Errorf("%s = region %q name %q; want %q %q", tt.code, c.Region, c.Name, tt.region, tt.name)
			}
			if got, ok := c.Get(tt.path...); !ok || got != tt.want {
				t.Errorf("Get(%q) = %q, %v; want %q", tt.path, got, ok, tt.want)
			}
		})
	}
	for _, c := range cs {
		for _, f := range c.Fields {
			if strings.ContainsAny(f.Text, "<>") && strings.Contains(f.Text, "</") {
				t.Fatalf("%s %q still has HTML: %q", c.Code, f.Path, f.Text)
			}
		}
	}
	chad := find(cs, "cd")
	notes := chad.Prefix("Geography", "Geography - note")
	if len(notes) != 1 || !strings.Contains(notes[0].Text, "landlocked") || !slices.Equal(notes[0].Path, []string{"Geography", "Geography - note"}) {
		t.Errorf("Prefix(Geography note) = %+v; want one field about landlocked", notes)
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>R&eacute;publique&nbsp;du Tchad</p>", "République du Tchad"},
		{"<strong>note 1:\u00a0</strong> a <br><br>b", "note 1: a\nb"},
		{"  plain  text ", "plain text"},
		{"5 &lt; 6", "5 < 6"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecode(t *testing.T) {
	in := `{"Government":{"Country name":{"conventional short form":{"text":"none"},
	"conventional long form":{"text":"Republic of X"}},"Capital":{"name":{"text":"Y"},"note":"<b>n</b>"}},
	"count":3,"list":[1,{"a":2}]}`
	c, err := Decode(strings.NewReader(in), "xx", "test")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Republic of X" {
		t.Errorf("Name = %q; want the long form", c.Name)
	}
	if got, _ := c.Get("Government", "Capital", "note"); got != "n" {
		t.Errorf("note = %q; want n", got)
	}
	for _, bad := range []string{``, `[]`, `{"a":`, `{"a":{"text":"x"}} {}`} {
		if _, err := Decode(strings.NewReader(bad), "xx", "test"); err == nil {
			t.Errorf("Decode(%q) succeeded; want an error", bad)
		}
	}
}
