package jsonl

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

type rec struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     int    // records, when ok
		line     int    // the failing line, when not
		msg      string // part of the error
	}{
		{"two records and blank lines", "{\"id\":\"a\"}\n\n  {\"id\":\"b\",\"x\":1}  \n", 2, 0, ""},
		{"CRLF", "{\"id\":\"a\"}\r\n{\"id\":\"b\"}\r\n", 2, 0, ""},
		{"bad JSON", "{\"id\":\"a\"}\n{\"id\":\n", 0, 2, "unexpected EOF"},
		{"two values", "{\"id\":\"a\"} {\"id\":\"b\"}\n", 0, 1, "more than one JSON value"},
		{"Latin-1", "{\"id\":\"a\"}\n{\"id\":\"caf\xe9\"}\n", 0, 2, "invalid UTF-8 at byte 11"},
		{"check fails", "{\"id\":\"\"}\n", 0, 1, "no id"},
	}
	check := func(r *rec) error {
		if r.ID == "" {
			return errors.New("no id")
		}
		return nil
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(strings.NewReader(tt.in), "f.jsonl", check)
			if tt.msg == "" {
				if err != nil || len(got) != tt.want {
					t.Fatalf("Decode = %d records, %v; want %d, nil", len(got), err, tt.want)
				}
				return
			}
			var le *LineError
			if !errors.As(err, &le) || le.File != "f.jsonl" || le.Line != tt.line || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Decode error = %v; want f.jsonl:%d: ...%s...", err, tt.line, tt.msg)
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	in := "{\"id\":\"a\"}\n{\"text\":\"" + strings.Repeat("x", MaxLine) + "\"}\n"
	_, err := Decode[rec](strings.NewReader(in), "big.jsonl", nil)
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 || !strings.Contains(err.Error(), "longer than 64 MiB") {
		t.Fatalf("Decode of a long line = %v; want big.jsonl:2: line longer than 64 MiB", err)
	}
}

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "r.jsonl")
	in := []rec{{ID: "a", Text: "<b> & é"}, {ID: "b"}}
	if err := Write(path, in, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Read[rec](path, nil)
	if err != nil || len(got) != 2 || got[0] != in[0] || got[1] != in[1] {
		t.Fatalf("Read after Write = %v, %v; want %v", got, err, in)
	}
	b, _ := Marshal(in[:1])
	if string(b) != "{\"id\":\"a\",\"text\":\"<b> & é\"}\n" {
		t.Errorf("Marshal = %q; want no HTML escaping", b)
	}
}
