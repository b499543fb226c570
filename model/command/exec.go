package command

import (
	"context"
	"errors"
	"fmt"
	"text/template"
	"time"
)

// Template is a parsed command-line template: words split as a shell
// would (quotes, backslashes), each a text/template.
type Template struct {
	text  string
	words []*template.Template
}

// ParseTemplate parses a command-line template; errors name what failed.
func ParseTemplate(line string) (*Template, error) {
	words, err := splitWords(line)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", line, err)
	}
	if len(words) == 0 {
		return nil, errors.New("empty command")
	}
	t := &Template{text: line}
	for i, w := range words {
		tmpl, err := parse(fmt.Sprintf("word %d", i+1), w)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", line, err)
		}
		t.words = append(t.words, tmpl)
	}
	return t, nil
}

// Expand returns the command line's words with data filled in.
func (t *Template) Expand(data any) ([]string, error) {
	argv := make([]string, len(t.words))
	for i, w := range t.words {
		var err error
		if argv[i], err = expandAny(w, data); err != nil {
			return nil, err
		}
	}
	return argv, nil
}

// Exec runs argv in dir (with env added to cem's environment) and waits,
// sending every output line to onLine (nil discards them). A non-zero
// exit is an *ExitError with the last lines of output; a cancelled ctx
// kills the command's process group.
func Exec(ctx context.Context, argv []string, dir string, env []string, onLine func(Line)) error {
	t := &Trainer{cfg: Config{Dir: dir, Env: env, TailLines: 20, KillGrace: 5 * time.Second}}
	return t.run(ctx, argv, dir, onLine)
}
