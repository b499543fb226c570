package prompttmpl

import (
	"strings"
	"testing"
)

type fields struct {
	Question, Answer string
	Max              int
}

func TestParse(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"ok", "Q: {{.Question}} A: {{.Answer}} ({{.Max}})", ""},
		{"empty", " \n", "x.tmpl: empty prompt template"},
		{"unknown field", "{{.Question}} {{.Colour}}", "x.tmpl: unknown field .Colour in prompt template (fields: .Question .Answer .Max)"},
		{"missing required", "A: {{.Answer}}", "x.tmpl: prompt template does not use {{.Question}}"},
		{"syntax", "{{.Question", "x.tmpl:1: unclosed action"},
		{"inside if", "{{if .Answer}}{{.Question}}{{end}}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.tmpl", tt.text, fields{}, "Question")
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Parse = %v; want %q", err, tt.want)
			}
		})
	}
	tp, err := Parse("x.tmpl", "Q: {{.Question}} ({{.Max}})", fields{}, "Question")
	if err != nil {
		t.Fatal(err)
	}
	got, err := tp.Execute(fields{Question: "a <b> & c", Max: 3})
	if err != nil || got != "Q: a <b> & c (3)" {
		t.Errorf("Execute = %q, %v; want no escaping", got, err)
	}
}
