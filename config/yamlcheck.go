package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkTree walks the decoded document n against the type t it will be
// decoded into and returns a *FieldError for its first problem in
// document order: a key t has no field for ("unknown key", named as
// written, at its line) or a value that does not decode into its field
// (key "config", at the value's line). Locations come from the nodes, so
// nothing depends on the wording of yaml.v3's messages.
func checkTree(n *yaml.Node, t reflect.Type) *FieldError {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			if fe := checkTree(c, t); fe != nil {
				return fe
			}
		}
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return checkTree(n.Alias, t)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Tag == "!!null" {
		return nil
	}
	unmarshaler := reflect.TypeFor[yaml.Unmarshaler]()
	switch {
	case t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler):
		return decodeNode(n, t)
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" {
				if fe := checkTree(v, t); fe != nil {
					return fe
				}
				continue
			}
			ft, ok := fields[k.Value]
			if !ok {
				return &FieldError{Key: k.Value, Line: k.Line, Msg: "unknown key"}
			}
			if fe := checkTree(v, ft); fe != nil {
				return fe
			}
		}
		return nil
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if fe := decodeNode(n.Content[i], t.Key()); fe != nil {
				return fe
			}
			if fe := checkTree(n.Content[i+1], t.Elem()); fe != nil {
				return fe
			}
		}
		return nil
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			if fe := checkTree(c, t.Elem()); fe != nil {
				return fe
			}
		}
		return nil
	case t.Kind() == reflect.Interface:
		return nil
	}
	return decodeNode(n, t)
}

// decodeNode decodes n alone into a new t, turning a failure into a
// *FieldError at n's line.
func decodeNode(n *yaml.Node, t reflect.Type) *FieldError {
	err := n.Decode(reflect.New(t).Interface())
	if err == nil {
		return nil
	}
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", n.Line))
	return &FieldError{Key: "config", Line: n.Line, Msg: msg}
}

// yamlFields maps the YAML keys of struct t (inline structs flattened)
// to their field types, as yaml.v3 names them: the tag's name, else the
// field name in lower case.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range yamlFields(ft) {
					out[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}
