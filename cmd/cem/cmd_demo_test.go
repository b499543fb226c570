package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cemlab/cem/demo"
	"github.com/cemlab/cem/demodata/demotest"
)

// TestMain lets the test binary act as `cem` for the kill-and-resume test.
func TestMain(m *testing.M) {
	if os.Getenv("CEM_TEST_AS_CEM") == "1" {
		installKillHook()
		root := newRootCommand()
		root.SetArgs(strings.Fields(os.Getenv("CEM_TEST_ARGS")))
		if err := root.ExecuteContext(context.Background()); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestDemoQuickResumesAfterKill runs the quick demo end to end, then runs
// it again in a subprocess killed with SIGKILL during round 1's training,
// resumes it, and checks that the resumed run's metrics equal the
// uninterrupted run's byte for byte.
func TestDemoQuickResumesAfterKill(t *testing.T) {
	demotest.Paths(t)
	ws := t.TempDir()
	var out bytes.Buffer
	if err := runDemo(t.Context(), demoOptions{Options: demo.Options{Dir: ws, Quick: true, Seed: 1}}, &out); err != nil {
		t.Fatalf("demo --quick: %v\n%s", err, out.String())
	}
	for _, want := range []string{"CEM, per round", "random baseline (", "rag baseline (", "Targets:", "exam accuracy gain", "total wall time",
		"probe gain (mined facts)", "interference lost", "paraphrase mined", "reverse mined", "collateral", "familiarity withheld"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	runDir := filepath.Join(ws, "quick", "runs", "cem")
	want, err := os.ReadFile(filepath.Join(runDir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(runDir, "report.html"))
	if err != nil || !bytes.Contains(page, []byte("<svg")) || !bytes.Contains(page, []byte("Runs side by side")) || !bytes.Contains(page, []byte(" rag ")) ||
		!bytes.Contains(page, []byte("<h2>Probes</h2>")) {
		t.Errorf("report.html: %v; want an HTML page with charts, the rag baseline beside CEM and the probes' table", err)
	}

	// Again from scratch (cached data, index and base model), killed mid-round.
	if err := os.RemoveAll(filepath.Join(ws, "quick", "runs")); err != nil {
		t.Fatal(err)
	}
	killDuring(t, ws, "round 1 train ...")
	out.Reset()
	if err := runDemo(t.Context(), demoOptions{Options: demo.Options{Dir: ws, Quick: true, Seed: 1, NoBaseline: true}}, &out); err != nil {
		t.Fatalf("resumed demo: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "unchanged, reused") {
		t.Errorf("resumed demo reused no stage:\n%s", out.String())
	}
	got, err := os.ReadFile(filepath.Join(runDir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("metrics after kill and resume differ from the uninterrupted run:\n%s\nwant\n%s", got, want)
	}
}

// killDuring runs `cem demo --quick` in a subprocess and kills it with
// SIGKILL when a line containing marker is printed.
func killDuring(t *testing.T, ws, marker string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CEM_TEST_AS_CEM=1", "CEM_TEST_ARGS=demo --quick --no-baseline --seed 1 --dir "+ws)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(stdout)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), marker) {
			time.Sleep(300 * time.Millisecond) // let the stage get going
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("subprocess ended before %q:\n%s", marker, strings.Join(lines, "\n"))
	}
}
