// Package prompttmpl parses and checks the text/template prompts users
// may override (mistake's extraction prompt, trainset's question-writing
// prompt): one syntax, {{.Field}}, and one check, with errors that name
// the template and the field at fault.
package prompttmpl

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
)

// Template is a checked prompt template.
type Template struct {
	t *template.Template
}

// Parse parses text, a template named name (the file, or "built-in"),
// against data, a zero value of the struct it will be executed with. It
// fails when text is blank, does not parse, uses a field data lacks
// (naming the field and the fields there are) or leaves out one of
// required (the prompt would not show the model what it needs).
func Parse(name, text string, data any, required ...string) (*Template, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%s: %w", name, ErrEmpty)
	}
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, err
	}
	fields := fieldNames(reflect.TypeOf(data))
	used := map[string]bool{}
	walk(t.Tree.Root, used)
	for f := range used {
		if !slices.Contains(fields, f) {
			return nil, fmt.Errorf("%s: unknown field .%s in prompt template (fields: %s)", name, f, list(fields))
		}
	}
	for _, f := range required {
		if !used[f] {
			return nil, fmt.Errorf("%s: prompt template does not use {{.%s}} (fields: %s)", name, f, list(fields))
		}
	}
	if err := t.Execute(new(strings.Builder), data); err != nil {
		return nil, err
	}
	return &Template{t: t}, nil
}

// Spec is one prompt users may override: the file it is named by, the
// struct F it is executed with and the fields it must use.
type Spec[F any] struct {
	Name     string
	Required []string
}

// Parse parses text against F (see Parse).
func (s Spec[F]) Parse(text string) (*Template, error) {
	var zero F
	return Parse(s.Name, text, zero, s.Required...)
}

// Check reports a template that cannot work: an empty one, one that does
// not parse or names a field F lacks, or one without a required field.
func (s Spec[F]) Check(text string) error {
	_, err := s.Parse(text)
	return err
}

// Execute fills the template with data.
func (t *Template) Execute(data any) (string, error) {
	var b strings.Builder
	if err := t.t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

func fieldNames(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for f := range t.Fields() {
		if f.IsExported() {
			out = append(out, f.Name)
		}
	}
	return out
}

func list(fields []string) string {
	return "." + strings.Join(fields, " .")
}

// walk records the first identifier of every field reference (.Question)
// in the tree under n.
func walk(n parse.Node, used map[string]bool) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	switch n := n.(type) {
	case *parse.ListNode:
		for _, c := range n.Nodes {
			walk(c, used)
		}
	case *parse.ActionNode:
		walk(n.Pipe, used)
	case *parse.PipeNode:
		for _, c := range n.Cmds {
			walk(c, used)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walk(a, used)
		}
	case *parse.FieldNode:
		used[n.Ident[0]] = true
	case *parse.ChainNode:
		walk(n.Node, used)
	case *parse.IfNode:
		walk(n.Pipe, used)
		walk(n.List, used)
		walk(n.ElseList, used)
	case *parse.RangeNode: // inside, dot is an element: not checked
		walk(n.Pipe, used)
		walk(n.ElseList, used)
	case *parse.WithNode:
		walk(n.Pipe, used)
		walk(n.ElseList, used)
	}
}

// ErrEmpty is returned (wrapped) for a blank template.
var ErrEmpty = errors.New("empty prompt template")
