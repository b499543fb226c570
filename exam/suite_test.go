package exam

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadWriteSuite(t *testing.T) {
	s, err := ReadSuite("testdata/suite.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "suite" || len(s.Items) != 3 {
		t.Fatalf("ReadSuite = %s with %d items; want suite with 3", s.Name, len(s.Items))
	}
	mc := s.Items[1]
	if mc.Answer != (Answer{Index: 1, Text: "N'Djamena"}) {
		t.Errorf("multiple-choice answer = %+v; want index 1 with its text", mc.Answer)
	}
	if open := s.Items[0].Answer; !open.IsOpen() || open.Text != "N'Djamena" {
		t.Errorf("open answer = %+v; want text N'Djamena", open)
	}
	path := filepath.Join(t.TempDir(), "heldout_reverse.jsonl")
	if err := WriteSuite(path, s.Items); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSuite(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Items, s.Items) || back.Role != RoleHeldout {
		t.Errorf("round trip = %+v (role %q); want the items back, role heldout", back.Items, back.Role)
	}
	b, _ := json.Marshal(s.Items[1])
	if !strings.Contains(string(b), `"answer":1`) {
		t.Errorf("multiple-choice JSON = %s; want \"answer\":1", b)
	}
}

func TestReadSuiteErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"index out of range", `{"id":"a","question":"q?","choices":["x","y"],"answer":2}`, "x.jsonl:1: item a: answer index 2 out of range"},
		{"negative index", `{"id":"a","question":"q?","choices":["x","y"],"answer":-1}`, "x.jsonl:1: answer: negative choice index"},
		{"no answer", `{"id":"a","question":"q?"}`, "x.jsonl:1: item a: no answer"},
		{"text with choices", `{"id":"a","question":"q?","choices":["x","y"],"answer":"x"}`, "give the index"},
		{"bad json", "\n\n{\"id\":", "x.jsonl:3: "},
		{"duplicate", `{"id":"a","question":"q?","answer":"x"}` + "\n" + `{"id":"a","question":"q?","answer":"x"}`, `x.jsonl:2: duplicate item id "a"`},
		{"object answer", `{"id":"a","question":"q?","answer":{}}`, "x.jsonl:1: answer: want a choice index or answer text"},
		{"two values", `{"id":"a","question":"q?","answer":"x"} {}`, "x.jsonl:1: more than one JSON value"},
		// Latin-1 bytes would decode as U+FFFD and change the graded text.
		{"latin-1", `{"id":"a","question":"q?","answer":"x"}` + "\n" + "{\"id\":\"b\",\"question\":\"Capital of \xc5land?\",\"answer\":\"Mariehamn\"}", "x.jsonl:2: invalid UTF-8 at byte 34"},
		{"cut multi-byte", "{\"id\":\"a\",\"question\":\"q?\",\"answer\":\"\xc3\"}", "x.jsonl:1: invalid UTF-8"},
		{"escaped surrogate", `{"id":"a","question":"q?","answer":"\ud800x"}`, "x.jsonl:1: item a: answer \"\ufffdx\" holds U+FFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeSuite(strings.NewReader(tt.in), "x.jsonl")
			var le *LineError
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, &le) {
				t.Errorf("error = %v; want a LineError containing %q", err, tt.want)
			}
		})
	}
}

func TestEmptySuiteIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ood.jsonl")
	if err := os.WriteFile(path, []byte("\n  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := ReadSuite(path); !errors.Is(err, ErrEmptySuite) || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadSuite(empty) = %v, %v; want ErrEmptySuite naming %s", s, err, path)
	}
	if _, err := DecodeSuite(strings.NewReader(""), "general.jsonl"); !errors.Is(err, ErrEmptySuite) || !strings.HasPrefix(err.Error(), "general.jsonl: ") {
		t.Errorf("DecodeSuite(empty) error = %v; want ErrEmptySuite naming general.jsonl", err)
	}
}

func TestWriteSuiteRejectsBadText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "exam.jsonl")
	for _, text := range []string{"\xc2Aland Islands", "\ufffdAland Islands"} {
		err := WriteSuite(path, []Item{{ID: "a", Question: "Which islands?", Answer: OpenAnswer(text)}})
		if err == nil {
			t.Errorf("WriteSuite with answer %q succeeded", text)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a rejected write left %s behind: %v", path, err)
	}
}

func TestWriteSuiteRejectsAndKeepsOld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "exam.jsonl")
	good := []Item{{ID: "a", Question: "q?", Answer: OpenAnswer("x")}}
	if err := WriteSuite(path, good); err != nil {
		t.Fatal(err)
	}
	bad := append(good, Item{ID: "b", Question: "q?", Choices: []string{"x"}, Answer: Answer{Index: 3}})
	if err := WriteSuite(path, bad); err == nil {
		t.Fatal("WriteSuite with a bad item succeeded")
	}
	s, err := ReadSuite(path)
	if err != nil || len(s.Items) != 1 {
		t.Errorf("after a failed write the file holds %v, %v; want the old single item", s, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries; want no temporary files left", len(entries))
	}
}

func TestNormalizeAndMatch(t *testing.T) {
	tests := []struct{ a, b string }{
		{"N'Djamena", "Ndjamena"},
		{"Yaoundé", "yaounde"},
		{"The Hague", "hague"},
		{"Port-au-Prince", "Port au Prince"},
		{"  St. John's ", "st johns"},
		{"Washington, D.C.", "washington dc"},
		{"N‘Djamena", "ndjamena"},  // left quote as apostrophe: was "n djamena"
		{"București", "Bucuresti"}, // comma-below ș
	}
	for _, tt := range tests {
		if Normalize(tt.a) != Normalize(tt.b) {
			t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; want equal", tt.a, Normalize(tt.a), tt.b, Normalize(tt.b))
		}
	}
	it := &Item{Answer: OpenAnswer("N'Djamena"), Aliases: []string{"Fort-Lamy"}}
	for pred, want := range map[string]bool{"Ndjamena": true, "fort lamy": true, "Niamey": false, "": false, "the": false} {
		if got := MatchOpen(pred, it); got != want {
			t.Errorf("MatchOpen(%q) = %v; want %v", pred, got, want)
		}
	}
}
