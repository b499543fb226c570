package native

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata"
)

// dataRoot returns the demo data root, skipping the test when absent.
func dataRoot(t testing.TB) string {
	t.Helper()
	root, err := demodata.Root()
	if err != nil {
		t.Skipf("no demo data root: %v", err)
	}
	if _, err := os.Stat(root); err != nil {
		t.Skipf("demo data not found at %s (run `cem data fetch` or set %s)", root, demodata.EnvData)
	}
	return root
}

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
// quiz files, skipping the test when they are absent.
func capitalFacts(t testing.TB) []fact {
	root := dataRoot(t)
	dir := filepath.Join(root, "usr", "share", "games", "bsdgames", "quiz")
	seen := map[string]bool{}
	var facts []fact
	for _, name := range []string{"africa", "europe", "asia", "america", "state"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Skipf("quiz file missing: %v", err)
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
