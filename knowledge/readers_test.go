package knowledge

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

// checkPassage asserts the fields of one passage that a test cares about;
// empty wants are not checked.
func checkPassage(t *testing.T, p Passage, id, title, textHas, license string, fields map[string]string) {
	t.Helper()
	if id != "" && p.ID != id {
		t.Errorf("ID = %q; want %q", p.ID, id)
	}
	if title != "" && p.Title != title {
		t.Errorf("%s: Title = %q; want %q", p.ID, p.Title, title)
	}
	if textHas != "" && !strings.Contains(p.Text, textHas) {
		t.Errorf("%s: Text = %q; want it to contain %q", p.ID, p.Text, textHas)
	}
	if license != "" && p.License != license {
		t.Errorf("%s: License = %q; want %q", p.ID, p.License, license)
	}
	for k, v := range fields {
		if k == "headwords" { // a list: v must be one of its members
			if !slices.Contains(strings.Split(p.Fields[k], "|"), v) {
				t.Errorf("%s: Fields[headwords] = %q; want it to list %q", p.ID, p.Fields[k], v)
			}
			continue
		}
		if p.Fields[k] != v {
			t.Errorf("%s: Fields[%q] = %q; want %q", p.ID, k, p.Fields[k], v)
		}
	}
	if strings.ContainsAny(p.Text, "{}\\") && p.Source == "gcide" {
		t.Errorf("%s: markup left in text %q", p.ID, p.Text)
	}
}

func byID(ps []Passage) map[string]Passage {
	m := make(map[string]Passage, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	return m
}

func TestReadDict(t *testing.T) {
	paths := demotest.Paths(t)
	tests := []struct {
		dict, id, title, textHas, license string
		fields                            map[string]string
		minPassages                       int
	}{
		{"elements", "elements:iron", "iron", "Symbol: Fe\nAtomic number: 26", LicenseElements,
			map[string]string{"symbol": "Fe", "atomic_number": "26"}, 100},
		{"gcide", "gcide:Shad", "Shad", "Shad, n. sing. & pl. [AS. sceadda", LicenseGCIDE, map[string]string{"headwords": "chad"}, 120000},
		{"gcide", "gcide:Apple", "Apple", "AS. æppel", LicenseGCIDE, nil, 120000},
		{"gcide", "gcide:capital", "capital", "(Geog.) The seat of government; the chief city or town in a country", LicenseGCIDE, nil, 120000},
		{"foldoc", "foldoc:Go", "Go", "A thinking game with an oriental origin", LicenseFOLDOC,
			map[string]string{"category": "games|application", "date": "1995-03-17"}, 12000},
	}
	cache := map[string]*Corpus{}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c := cache[tt.dict]
			if c == nil {
				idx, data := paths.Dict(tt.dict)
				var err error
				if c, err = ReadDict(tt.dict, idx, data); err != nil {
					t.Fatal(err)
				}
				cache[tt.dict] = c
			}
			if len(c.Passages) < tt.minPassages {
				t.Errorf("%d passages; want at least %d", len(c.Passages), tt.minPassages)
			}
			if len(c.Skipped) == 0 || !strings.Contains(c.Skipped[0].Why, "meta entries") {
				t.Errorf("Skipped = %v; want the meta entries reported first", c.Skipped)
			}
			p, ok := byID(c.Passages)[tt.id]
			if !ok {
				t.Fatalf("no passage %s", tt.id)
			}
			checkPassage(t, p, tt.id, tt.title, tt.textHas, tt.license, tt.fields)
			if strings.Contains(p.Text, "[1913 Webster]") || strings.Contains(p.Text, "00-database") {
				t.Errorf("source tags or meta text left in %q", p.Text)
			}
		})
	}
}

func TestCleanGCIDE(t *testing.T) {
	raw := "Abaca \\Ab\"a*ca\\ ([a^]b\"[.a]*k[.a]), n. [The native name.]\n" +
		"   The Manila-hemp plant ({Musa textilis}); also, its fiber. See\n" +
		"   {Manila hemp} under {Manila}.\n   [1913 Webster]\n\n   2. Second sense, [=a]ncient [ae]ra.\n   [WordNet 1.5 +PJC]\n"
	got, _ := cleanGCIDE(raw)
	want := "Abaca, n. [The native name.] The Manila-hemp plant (Musa textilis); also, its fiber. See Manila hemp under Manila.\n" +
		"2. Second sense, āncient æra."
	if got != want {
		t.Errorf("cleanGCIDE =\n%q\nwant\n%q", got, want)
	}
}

func TestReadWordNet(t *testing.T) {
	_, ps := wordnetIndex(t)
	m := byID(ps)
	checkPassage(t, m["wordnet:n08720280"], "wordnet:n08720280", "N'Djamena, Ndjamena, Fort-Lamy, capital of Chad",
		"the capital and largest city of Chad", LicenseWordNet,
		map[string]string{"instance_of": "national capital", "part_of": "Chad", "pos": "noun", "lemmas": "N'Djamena|Ndjamena|Fort-Lamy|capital of Chad"})
	chad := m["wordnet:n08720037"]
	checkPassage(t, chad, "", "", "Has part: ", LicenseWordNet, map[string]string{"part_of": "Africa"})
	if !strings.Contains(chad.Fields["has_part"], "N'Djamena") {
		t.Errorf("Chad has_part = %q; want N'Djamena among them", chad.Fields["has_part"])
	}
	if n := len(ps); n < 117000 {
		t.Errorf("%d passages; want WordNet's 117659 synsets plus the elements", n)
	}
}

func TestReadFactbook(t *testing.T) {
	dir := demotest.Factbook(t)
	c, err := ReadFactbook(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Passages) < 50000 {
		t.Errorf("%d passages; want one per field, over 50000", len(c.Passages))
	}
	checkPassage(t, byID(c.Passages)["factbook:cd/government/capital/name"], "factbook:cd/government/capital/name",
		"Chad: Government > Capital > name", "N'Djamena", LicenseFactbook,
		map[string]string{"country": "Chad", "section": "Government", "field": "Capital > name", "region": "africa"})
	for _, p := range c.Passages {
		if strings.ContainsAny(p.Text, "<>") && strings.Contains(p.Text, "</") {
			t.Fatalf("%s: HTML left in %q", p.ID, p.Text)
		}
	}
}

func TestReadJSONL(t *testing.T) {
	c, err := ReadJSONLFile("testdata/passages.jsonl", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "passages" || len(c.Passages) != 3 {
		t.Fatalf("corpus %q with %d passages; want passages with 3", c.Name, len(c.Passages))
	}
	checkPassage(t, c.Passages[0], "kb-1", "N'Djamena", "capital and largest city", "CC0-1.0", nil)
	if c.Passages[0].Source != "kb" || c.Passages[1].Source != "passages" {
		t.Errorf("sources = %q, %q; want kb (given) and passages (default)", c.Passages[0].Source, c.Passages[1].Source)
	}
	checkPassage(t, c.Passages[1], "kb-2", "", "", "", map[string]string{"continent": "Africa"})
	checkPassage(t, c.Passages[2], "kb-3", "", "", "CC0-1.0", nil)

	var buf strings.Builder
	if err := WriteJSONL(&buf, c.Passages); err != nil {
		t.Fatal(err)
	}
	again, err := ReadJSONL(strings.NewReader(buf.String()), "again.jsonl", "x")
	if err != nil || len(again.Passages) != 3 || again.Passages[1].Fields["continent"] != "Africa" {
		t.Errorf("round trip = %+v, %v", again, err)
	}

	bad := []struct{ name, in, want string }{
		{"not json", `{"id":"a","text":"x"}` + "\nnope\n", "in.jsonl:2: want a JSON object"},
		{"no id", `{"text":"x"}`, "in.jsonl:1: missing \"id\""},
		{"no text", `{"id":"a"}`, "in.jsonl:1: record \"a\" has no \"text\""},
		{"duplicate", "{\"id\":\"a\",\"text\":\"x\"}\n\n{\"id\":\"a\",\"text\":\"y\"}", "in.jsonl:3: id \"a\" already used on line 1"},
		{"bad type", `{"id":1,"text":"x"}`, "in.jsonl:1: json: cannot unmarshal"},
		{"bad utf8", "{\"id\":\"a\",\"text\":\"\xff\"}", "in.jsonl:1: invalid UTF-8 at byte 19"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSONL(strings.NewReader(tt.in), "in.jsonl", "x")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v; want prefix %q", err, tt.want)
			}
		})
	}
}

func FuzzJSONL(f *testing.F) {
	seed, err := os.ReadFile("testdata/passages.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, l := range strings.Split(string(seed), "\n") {
		f.Add([]byte(l))
	}
	f.Add([]byte(`{"id":"a","text":"x","fields":{"k":1}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ReadJSONL(strings.NewReader(string(in)), "fuzz.jsonl", "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.jsonl:") {
				t.Fatalf("error %q does not start with file:line", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range c.Passages {
			if p.ID == "" || p.Text == "" || p.Source == "" || seen[p.ID] {
				t.Fatalf("accepted bad passage %+v", p)
			}
			seen[p.ID] = true
		}
	})
}

func TestReadTextDir(t *testing.T) {
	c, err := ReadTextDir(context.Background(), "testdata/text", "docs", 80)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Passages {
		got = append(got, p.ID+" | "+p.Title+" | "+p.URL)
		if len(p.Text) > 80 {
			t.Errorf("%s: %d bytes, over the 80-byte cap", p.ID, len(p.Text))
		}
	}
	want := []string{
		"docs:guide.md#1 | guide > Retrieval guide | guide.md:3",
		"docs:guide.md#2 | guide > Retrieval guide | guide.md:3",
		"docs:guide.md#3 | guide > Retrieval guide | guide.md:5",
		"docs:guide.md#4 | guide > Indexing | guide.md:9",
		"docs:sub/notes.txt#1 | notes > Field notes | sub/notes.txt:4",
		"docs:sub/notes.txt#2 | notes > Another section | sub/notes.txt:9",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("passages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	dir := t.TempDir()
	os.WriteFile(dir+"/bad.txt", []byte("fine\nbad \xff here\n"), 0o644)
	if _, err := ReadTextDir(context.Background(), dir, "x", 0); err == nil || !strings.Contains(err.Error(), "bad.txt:2: not valid UTF-8") {
		t.Errorf("bad UTF-8: err = %v; want bad.txt:2", err)
	}
}
