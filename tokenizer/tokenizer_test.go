package tokenizer

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var (
	trainedOnce sync.Once
	trainedTok  *Tokenizer
	trainedErr  error
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Hello world", []string{"Hello", " world"}},
		{"I'm here, aren't you?", []string{"I", "'m", " here", ",", " aren", "'t", " you", "?"}},
		{"they'll we've you're he'd it's", []string{"they", "'ll", " we", "'ve", " you", "'re", " he", "'d", " it", "'s"}},
		{"'S 'x", []string{"'", "S", " '", "x"}},
		{"a  b", []string{"a", " ", " b"}},
		{"a   b", []string{"a", "  ", " b"}},
		{"a \nb", []string{"a", " ", "\n", "b"}},
		{"a\n\nb", []string{"a", "\n", "\n", "b"}},
		{"a\n\n\nb", []string{"a", "\n\n", "\n", "b"}},
		{"end  ", []string{"end", "  "}},
		{"  lead", []string{" ", " lead"}},
		{" ", []string{" "}},
		{"\t\tx", []string{"\t", "\t", "x"}},
		{"x2024 y 42z", []string{"x", "2024", " y", " 42", "z"}},
		{"ⅷ½3", []string{"ⅷ½3"}}, // Nl, No, Nd are all \p{N}
		{"!!! ?? (a)", []string{"!!!", " ??", " (", "a", ")"}},
		{"!'s", []string{"!'", "s"}},
		{"naïve café", []string{"naïve", " café"}},
		{"日本語 テキスト", []string{"日本語", " テキスト"}},
		{"a\u00a0b", []string{"a", "\u00a0", "b"}}, // NBSP is whitespace
		{"a\u3000\u3000b", []string{"a", "\u3000", "\u3000", "b"}},
		{"a\x1fb", []string{"a", "\x1f", "b"}}, // not White_Space: other
		{"a\xffb\xfe\xfd", []string{"a", "\xff", "b", "\xfe\xfd"}},
		{"<|end|>", []string{"<|", "end", "|>"}},
		{"x𮯰𮹝 y𮹞", []string{"x𮯰𮹝", " y", "𮹞"}}, // CJK Ext. I letters
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Words(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Words(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// refPattern is the GPT-2 pattern without its look-ahead alternative, with
// \s spelled as llama.cpp's whitespace set (RE2's \s is ASCII only).
const refSpace = `\t-\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}`

// refLetter adds CJK Extension I (Unicode 15.1) to Go's Unicode 15.0 \pL.
const refLetter = `\pL\x{2EBF0}-\x{2EE5D}`

var refPattern = regexp.MustCompile(`^(?:'s|'t|'re|'ve|'m|'ll|'d| ?[` + refLetter + `]+| ?\pN+| ?[^` + refSpace + refLetter + `\pN]+)`)
var refSpaceRun = regexp.MustCompile(`^[` + refSpace + `]+`)

// refWords is an independent reference split: RE2 for the alternatives it
// can express, and \s+(?!\S)|\s+ by backtracking over the whitespace run.
func refWords(s string) []string {
	var out []string
	for len(s) > 0 {
		n := 0
		if m := refPattern.FindString(s); m != "" {
			n = len(m)
		} else if run := refSpaceRun.FindString(s); run != "" {
			n = len(run)
			if n < len(s) { // a non-space follows: back off one character
				if _, w := utf8.DecodeLastRuneInString(run); n-w > 0 {
					n -= w
				}
			}
		} else {
			_, n = utf8.DecodeRuneInString(s) // unreachable: every character has a class
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func TestWordsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", "é", "日", "\U0002EBF0", "1", "½", " ", " ", "\n", "\t", "\u3000", "'", "s", "ll", "re", "!", "-", "\xff", "\x1f", "😀"}
	for i := range 3000 {
		var sb strings.Builder
		for range rng.IntN(20) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := sb.String()
		if got, want := Words(s), refWords(s); !slices.Equal(got, want) {
			t.Fatalf("case %d: Words(%q) = %q; want %q", i, s, got, want)
		}
	}
	for _, line := range corpus(t, 1<<20, 1<<18) {
		if got, want := Words(line), refWords(line); !slices.Equal(got, want) {
			t.Fatalf("Words(%q) = %q; want %q", line, got, want)
		}
	}
}

func TestByteToUnicode(t *testing.T) {
	tests := []struct{ in, want string }{
		{" ", "Ġ"}, {"\n", "Ċ"}, {"\t", "ĉ"}, {"a", "a"}, {"~", "~"}, {"\x00", "Ā"},
		{"\xad", "Ń"}, {"\xff", "ÿ"}, {"é", "Ã©"}, {"Hello world", "HelloĠworld"},
	}
	for _, tt := range tests {
		if got := ByteToUnicode(tt.in); got != tt.want {
			t.Errorf("ByteToUnicode(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if back, ok := UnicodeToByte(tt.want); !ok || back != tt.in {
			t.Errorf("UnicodeToByte(%q) = %q, %v; want %q, true", tt.want, back, ok, tt.in)
		}
	}
	seen := map[rune]bool{}
	for b := range 256 {
		r := byteRune[b]
		if seen[r] {
			t.Fatalf("byte %d maps to %U, already taken", b, r)
		}
		seen[r] = true
	}
	for _, bad := range []string{"a b", "\xff", "Ő", "日"} {
		if _, ok := UnicodeToByte(bad); ok {
			t.Errorf("UnicodeToByte(%q) ok; want failure", bad)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	tok := trained(t)
	for _, line := range corpus(t, 2<<20, 1<<18) {
		if got := tok.Decode(tok.Encode(line)); got != line {
			t.Fatalf("Decode(Encode(%q)) = %q", line, got)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		b := make([]byte, rng.IntN(200))
		for j := range b {
			b[j] = byte(rng.UintN(256))
		}
		if i%2 == 0 { // bias towards spaces and letters
			for j := range b {
				if b[j]%3 == 0 {
					b[j] = " e\nt"[b[j]%4]
				}
			}
		}
		s := string(b)
		ids := tok.Encode(s)
		for _, id := range ids {
			if tok.IsSpecial(id) || id < 0 || id >= tok.VocabSize() {
				t.Fatalf("Encode(%q) gave id %d", s, id)
			}
		}
		if got := tok.Decode(ids); got != s {
			t.Fatalf("Decode(Encode(%q)) = %q", s, got)
		}
	}
}

func TestHeapMatchesScan(t *testing.T) {
	tok := trained(t)
	rng := rand.New(rand.NewPCG(5, 6))
	text := strings.Join(corpus(t, 3<<20, 1<<16), "")
	for range 300 {
		// long runs of letters, spaces and repeats stress the merge order.
		var w string
		switch rng.IntN(3) {
		case 0:
			at := rng.IntN(len(text) - 400)
			w = text[at : at+1+rng.IntN(399)]
		case 1:
			w = strings.Repeat(string(" ea"[rng.IntN(3)]), 1+rng.IntN(300))
		default:
			w = strings.Repeat("the", 1+rng.IntN(100))
		}
		if got, want := tok.bpeHeap(w), tok.bpeScan(w); !slices.Equal(got, want) {
			t.Fatalf("bpeHeap(%q) = %v; want %v", w, got, want)
		}
	}
}

func TestTrainDeterministic(t *testing.T) {
	texts := corpus(t, 4<<20, 1<<18)
	a, err := Train(texts, 800)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := slices.Clone(texts)
	rand.New(rand.NewPCG(7, 8)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b, err := Train(shuffled, 800)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Merges(), b.Merges()) || !slices.Equal(a.Tokens(), b.Tokens()) {
		t.Fatal("two trainings on the same texts differ")
	}
	if a.VocabSize() != 800 {
		t.Errorf("VocabSize() = %d; want 800", a.VocabSize())
	}
	seen := map[string]int{}
	for id, s := range a.Tokens() {
		if prev, dup := seen[s]; dup {
			t.Fatalf("token %q at ids %d and %d", s, prev, id)
		}
		seen[s] = id
	}
}

func TestTrainSmall(t *testing.T) {
	tok, err := Train([]string{"low lower lowest", "low low"}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	// Pairs seen at least twice: l-o, o-w, " l"... until none is left.
	if tok.VocabSize() >= 1000 || tok.VocabSize() <= MinVocabSize {
		t.Errorf("VocabSize() = %d; want between %d and 1000", tok.VocabSize(), MinVocabSize)
	}
	if got := tok.Encode(" low"); len(got) != 1 {
		t.Errorf("Encode(\" low\") = %v; want one token", got)
	}
	for _, n := range []int{0, MinVocabSize - 1, maxVocabLen + 1} {
		if _, err := Train(nil, n); err == nil {
			t.Errorf("Train(nil, %d) succeeded; want error", n)
		}
	}
	empty, err := Train(nil, MinVocabSize)
	if err != nil || empty.VocabSize() != MinVocabSize {
		t.Fatalf("Train(nil, %d) = %v, %v", MinVocabSize, empty, err)
	}
	if got := empty.Encode("ab"); !slices.Equal(got, []int{'a', 'b'}) {
		t.Errorf("Encode(ab) = %v; want [97 98]", got)
	}
}

func TestSpecials(t *testing.T) {
	tok := trained(t)
	ids := map[string]int{BeginToken: tok.BOS(), EndToken: tok.EOS(), PadToken: tok.Pad(), InstToken: tok.Inst(), RespToken: tok.Resp()}
	seen := map[int]bool{}
	for name, id := range ids {
		if seen[id] || !tok.IsSpecial(id) {
			t.Errorf("%s has id %d: duplicate or not special", name, id)
		}
		seen[id] = true
		if got := tok.Decode([]int{id}); got != name {
			t.Errorf("Decode(%d) = %q; want %q", id, got, name)
		}
		if got := tok.Tokens()[id]; got != name {
			t.Errorf("Tokens()[%d] = %q; want %q", id, got, name)
		}
		for _, e := range tok.Encode("x" + name + " " + name) {
			if tok.IsSpecial(e) {
				t.Errorf("Encode of literal %s produced special id %d", name, e)
			}
		}
	}
}

func TestDecodeChecked(t *testing.T) {
	tok := trained(t)
	hello := tok.Encode("hello")
	got, err := tok.DecodeChecked(hello)
	if err != nil || got != "hello" {
		t.Errorf("DecodeChecked(%v) = %q, %v; want hello, nil", hello, got, err)
	}
	for _, bad := range [][]int{{-1}, {'a', tok.VocabSize()}, {1 << 40}} {
		if _, err := tok.DecodeChecked(bad); !errors.Is(err, ErrBadID) {
			t.Errorf("DecodeChecked(%v) error = %v; want ErrBadID", bad, err)
		}
	}
	if got := tok.Decode([]int{'a', -5, 'b'}); got != "a\uFFFDb" {
		t.Errorf("Decode with bad id = %q; want %q", got, "a\uFFFDb")
	}
}

func TestSaveLoad(t *testing.T) {
	tok := trained(t)
	path := filepath.Join(t.TempDir(), "tok.json")
	if err := tok.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Tokens(), tok.Tokens()) || !slices.Equal(back.Merges(), tok.Merges()) {
		t.Fatal("loaded tokenizer differs from saved one")
	}
	text := strings.Join(corpus(t, 5<<20, 1<<15), "")
	if !slices.Equal(back.Encode(text), tok.Encode(text)) {
		t.Fatal("loaded tokenizer encodes differently")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("save left %d files; want 1", len(entries))
	}
}

func TestLoadCorrupt(t *testing.T) {
	tok, err := Train([]string{"aaa bbb aaa bbb ab ab"}, 300)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tok.json")
	if err := tok.Save(path); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	merge0 := tok.Merges()[0]
	tests := []struct {
		name, old, new string
	}{
		{"truncated", "", ""},
		{"format", `"cem-bpe-tokenizer"`, `"other"`},
		{"version", `"version": 1`, `"version": 99`},
		{"pretokenizer", `"pretokenizer": "gpt2"`, `"pretokenizer": "llama3"`},
		{"byte token", `"Ā"`, `"X"`},
		{"special id", `"<|end|>": 257`, `"<|end|>": 300`},
		{"merge rule", `"` + merge0 + `"`, `"a"`},
		{"merge unknown", `"` + merge0 + `"`, `"zz q"`},
		{"not json", "{", "["},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data []byte
			if tt.name == "truncated" {
				data = good[:len(good)/2]
			} else {
				if !bytes.Contains(good, []byte(tt.old)) {
					t.Fatalf("saved file lacks %q", tt.old)
				}
				data = bytes.Replace(good, []byte(tt.old), []byte(tt.new), 1)
			}
			p := filepath.Join(t.TempDir(), "bad.json")
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(p); err == nil || !strings.Contains(err.Error(), p) {
				t.Errorf("Load(%s) error = %v; want an error naming the file", tt.name, err)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("Load(missing) succeeded")
	}
}

func TestCompression(t *testing.T) {
	tok := trained(t)
	text := strings.Join(corpus(t, 6<<20, 1<<19), "")
	ids := tok.Encode(text)
	t.Logf("vocab %d: %d bytes -> %d tokens, %.2f bytes/token on held-out gcide text",
		tok.VocabSize(), len(text), len(ids), float64(len(text))/float64(len(ids)))
	if r := float64(len(text)) / float64(len(ids)); r < 2.2 {
		t.Errorf("compression %.2f bytes/token; want at least 2.2", r)
	}
}

func FuzzRoundTrip(f *testing.F) {
	tok, err := Train([]string{"the cat sat on the mat, the cat's hat", "  \n\n\tx 123 ½"}, 320)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "the cat", "\xff\xfe", "a  \n b", "'s'll", "日本 テ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := tok.Decode(tok.Encode(s)); got != s {
			t.Fatalf("Decode(Encode(%q)) = %q", s, got)
		}
		if got, want := Words(s), refWords(s); !slices.Equal(got, want) {
			t.Fatalf("Words(%q) = %q; want %q", s, got, want)
		}
		if len(s) > 0 && len(s) <= 512 {
			if got, want := tok.bpeHeap(s), tok.bpeScan(s); !slices.Equal(got, want) {
				t.Fatalf("bpeHeap(%q) = %v; want %v", s, got, want)
			}
		}
	})
}

func TestEncodeConcurrent(t *testing.T) {
	tok := trained(t)
	lines := corpus(t, 7<<20, 1<<15)
	want := make([][]int, len(lines))
	for i, l := range lines {
		want[i] = tok.Encode(l)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < len(lines); i += 2 {
				if got := tok.Encode(lines[i]); !slices.Equal(got, want[i]) {
					t.Errorf("concurrent Encode(%q) = %v; want %v", lines[i], got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
	long := strings.Repeat("ab ", 1000) + strings.Repeat(" ", 500) + "x"
	if got := tok.Decode(tok.Encode(long)); got != long {
		t.Error("round trip of a long text failed")
	}
}

func TestTrainLongWords(t *testing.T) {
	long := strings.Repeat("abcdefghij", 1000) // one 10 kB pre-token
	tok, err := Train([]string{long + " " + long + " the the the"}, 400)
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Encode(" the"); len(got) != 1 {
		t.Errorf("Encode(\" the\") = %v; want one token", got)
	}
	if got := tok.Decode(tok.Encode(long)); got != long {
		t.Error("round trip of a long word failed")
	}
}
