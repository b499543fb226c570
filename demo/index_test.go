package demo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/internal/logtest"
	"github.com/cemlab/cem/knowledge"
)

// TestOpenIndex: a missing index is built, a damaged one rebuilt (and the
// log says so), and one that cannot be read is an error, not a rebuild.
func TestOpenIndex(t *testing.T) {
	ctx := context.Background()
	ps := []knowledge.Passage{{ID: "a", Source: "s", Text: "N'Djamena is the capital of Chad."}}
	path := filepath.Join(t.TempDir(), "ix", "demo.idx")
	var logs []string
	log := logtest.Messages(&logs)
	if ix, err := openIndex(ctx, path, ps, log); err != nil || ix.Len() != 1 {
		t.Fatalf("missing index: %v", err)
	}
	if err := os.WriteFile(path, []byte("not an index"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs = nil
	if ix, err := openIndex(ctx, path, ps, log); err != nil || ix.Len() != 1 || len(logs) == 0 || !strings.Contains(logs[0], "damaged") {
		t.Fatalf("damaged index: %v, logs %q; want rebuilt and said so", err, logs)
	}
	// A folder where the file should be cannot be read (as root too).
	dirPath := filepath.Join(t.TempDir(), "a-folder.idx")
	if err := os.Mkdir(dirPath, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := openIndex(ctx, dirPath, ps, log); err == nil {
		t.Fatal("unreadable index: rebuilt; want an error")
	}
}
