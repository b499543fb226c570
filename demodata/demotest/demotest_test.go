package demotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/demodata"
)

// envChild makes the test binary run TestChild as the child of
// TestRequireData.
const envChild = "CEM_DEMOTEST_CHILD"

// TestChild asks for the data named by envChild; it does nothing in a
// normal run.
func TestChild(t *testing.T) {
	switch os.Getenv(envChild) {
	case "paths":
		Paths(t)
	case "factbook":
		Factbook(t)
	case "have":
		if _, ok := Have(t); !ok {
			t.Log("ran without the data")
		}
	}
}

// TestRequireData runs TestChild in a child process on absent data and
// checks that each helper skips, or fails under CEM_REQUIRE_DATA.
func TestRequireData(t *testing.T) {
	none := filepath.Join(t.TempDir(), "none")
	tests := []struct {
		child, require string
		fail           bool
		want           string
	}{
		{"paths", "", false, "--- SKIP: TestChild"},
		{"paths", "0", false, "run `cem data fetch`"},
		{"paths", "1", true, "CEM_REQUIRE_DATA=1: this data must be present"},
		{"paths", "yes", true, `CEM_REQUIRE_DATA="yes": want 1`},
		{"have", "", false, "ran without the data"},
		{"have", "1", true, "CEM_REQUIRE_DATA=1: this data must be present"},
		{"factbook", "1", false, "--- SKIP: TestChild"},
		{"factbook", "all", true, "CEM_REQUIRE_DATA=all: this data must be present"},
	}
	for _, tt := range tests {
		t.Run(tt.child+"/"+tt.require, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.v")
			cmd.Env = append(os.Environ(), envChild+"="+tt.child, EnvRequire+"="+tt.require,
				demodata.EnvData+"="+none, demodata.EnvFactbook+"="+none)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tt.fail {
				t.Errorf("child failed = %v (%v); want %v\n%s", failed, err, tt.fail, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("child output does not say %q:\n%s", tt.want, out)
			}
			if tt.require != "yes" && tt.want != "ran without the data" && !strings.Contains(string(out), none) {
				t.Errorf("child output does not name the folder looked in, %s:\n%s", none, out)
			}
		})
	}
}

// TestPathsReal checks that the fetched data, when present, is found.
func TestPathsReal(t *testing.T) {
	p := Paths(t)
	if _, err := os.Stat(filepath.Join(p.QuizDir(), "africa")); err != nil {
		t.Errorf("Paths gave %s without the quiz files: %v", p.Root, err)
	}
}
