package mediawiki

import (
	"reflect"
	"testing"
)

func TestSections(t *testing.T) {
	cases := []struct {
		name, html string
		want       []Section
	}{
		{"MediaWiki 1.39 headings",
			`<div class="mw-parser-output"><p><b>Chad</b> is a country.</p>
<div id="toc" class="toc"><h2 id="mw-toc-heading">Contents</h2><ul><li>Government</li></ul></div>
<h2><span class="mw-headline" id="Government">Government</span><span class="mw-editsection">[edit]</span></h2>
<h3><span class="mw-headline" id="Capital">Capital</span></h3>
<p>N'Djamena<sup class="reference">[1]</sup> <script>x()</script></p><ul><li>one</li><li>two</li></ul>
<h2><span class="mw-headline" id="Economy">Economy</span></h2><table><tr><td>GDP</td><td>$1</td></tr></table>
<ol class="references"><li>a note</li></ol></div>`,
			[]Section{{Text: "Chad is a country."},
				{Path: []string{"Government", "Capital"}, Anchor: "Capital", Text: "N'Djamena\none\ntwo"},
				{Path: []string{"Economy"}, Anchor: "Economy", Text: "GDP $1"}}},
		{"MediaWiki 1.43 headings",
			`<div class="mw-parser-output"><div class="mw-heading mw-heading2"><h2 id="History">History</h2><span class="mw-editsection">[edit]</span></div>
<p>Old &amp; new.<br>Second line.</p><div class="mw-heading mw-heading4"><h4 id="Deep">Deep</h4></div><p>x</p></div>`,
			[]Section{{Path: []string{"History"}, Anchor: "History", Text: "Old & new.\nSecond line."},
				{Path: []string{"History", "Deep"}, Anchor: "Deep", Text: "x"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sections(tc.html)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	got := split("aaaa\nbbbb\ncccc\ndddddddddd", 9)
	want := []string{"aaaa\nbbbb", "cccc", "dddddddddd"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
