package native

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"
)

var (
	quizAlt = regexp.MustCompile(`\[([^|\]]*)(\|[^\]]*)?\]`)
	quizOpt = regexp.MustCompile(`\{([^}]*)\}`)
)

// quizText resolves a bsdgames quiz pattern to its first spelling.
func quizText(s string) string {
	s = quizAlt.ReplaceAllString(s, "$1")
	s = quizOpt.ReplaceAllString(s, "$1")
	if i := strings.IndexByte(s, '|'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

type fact struct{ Subject, Answer string }

// capitalFacts reads "The capital of X is Y." facts from the bsdgames
// quiz files (see demotest.Paths).
func capitalFacts(t testing.TB) []fact {
	dir := demotest.Paths(t).QuizDir()
	seen := map[string]bool{}
	var facts []fact
	for _, name := range []string{"africa", "europe", "asia", "america", "state"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			parts := strings.Split(sc.Text(), ":")
			if len(parts) < 2 {
				continue
			}
			x, y := quizText(parts[0]), quizText(parts[1])
			if x == "" || y == "" || seen[x] {
				continue
			}
			seen[x] = true
			facts = append(facts, fact{x, y})
		}
		f.Close()
	}
	return facts
}
