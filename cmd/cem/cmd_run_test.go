package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/cemlab/cem/demodata/demotest"

	"github.com/cemlab/cem/exam"
)

// TestRunListsEveryMissingInput runs the config `cem init` writes before
// any of its files exist: the usage error names every missing file by
// key and line with the cem command that makes it, and nothing is written.
func TestRunListsEveryMissingInput(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := runInit(initOptions{}, "cem.yaml", io.Discard); err != nil {
		t.Fatal(err)
	}
	err := runRun(t.Context(), runOptions{}, "cem.yaml", io.Discard)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("run before the inputs exist = %v; want a usage error", err)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`cem\.yaml:\d+: model\.path: .*models/base.*cem model new .*--out models/base`),
		regexp.MustCompile(`cem\.yaml:\d+: suites\[0\]\.path \(exam\): .*suites/exam\.jsonl.*cem suite build --out suites .*--split exam=`),
		regexp.MustCompile(`cem\.yaml:\d+: suites\[1\]\.path \(heldout\): .*heldout\.jsonl`),
		regexp.MustCompile(`cem\.yaml:\d+: suites\[2\]\.path \(ood\): .*ood\.jsonl`),
		regexp.MustCompile(`cem\.yaml:\d+: suites\[3\]\.path \(general\): .*general\.jsonl`),
		regexp.MustCompile(`cem\.yaml:\d+: sources\.index: .*index/bm25\.idx.*cem index build --out index/bm25\.idx`),
	} {
		if !want.MatchString(err.Error()) {
			t.Errorf("error lacks %s:\n%v", want, err)
		}
	}
	if _, err := os.Stat("runs"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("runs/ after a run with missing inputs: %v; want nothing written", err)
	}
}

// TestRunNamesBadSuiteByKey gives a suite file that exists but does not
// parse: the error names its key, line and suite.
func TestRunNamesBadSuiteByKey(t *testing.T) {
	base := tinyCheckpoint(t)
	t.Chdir(t.TempDir())
	cfg := "model: {path: " + base + "}\nsuites:\n  - {name: exam, path: exam.jsonl, role: exam}\n  - {name: heldout, path: heldout.jsonl, role: heldout}\nsources: {index: ix}\n"
	if err := writeFileForTest("cem.yaml", cfg); err != nil {
		t.Fatal(err)
	}
	if err := exam.WriteSuite("exam.jsonl", []exam.Item{{ID: "q1", Question: "Capital of France?", Answer: exam.Answer{Index: -1, Text: "Paris"}}}); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(writeFileForTest("heldout.jsonl", "not json\n"), writeFileForTest("ix", "")); err != nil {
		t.Fatal(err)
	}
	err := runRun(t.Context(), runOptions{}, "cem.yaml", io.Discard)
	var ue usageError
	if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "cem.yaml:4: suites[1].path (heldout): ") {
		t.Errorf("run with a bad heldout suite = %v; want a usage error starting cem.yaml:4: suites[1].path (heldout)", err)
	}
}

// cem runs the command tree in-process with args and returns its output.
func cem(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := newRootCommand()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&out)
	err := root.ExecuteContext(t.Context())
	return out.String(), err
}

// hintedCommand is a `cem ...` command a missing-input message suggests.
var hintedCommand = regexp.MustCompile("`(cem [^`]+)`")

// TestFirstRunFromInit is a new user's first run, from a temp folder with
// relative paths only: `cem init`, `cem run` (which says what is missing
// and how to make it), the suggested commands, `cem run` again (default
// run folder and index, whose folder does not exist yet), the same run
// from a moved copy, and a read-only copy that is reported but not run.
func TestFirstRunFromInit(t *testing.T) {
	skipOnPortableKernels(t)
	demotest.Paths(t)
	pkg, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	ws := t.TempDir()
	t.Chdir(ws)
	if out, err := cem(t, "init"); err != nil {
		t.Fatalf("cem init: %v\n%s", err, out)
	}
	// Only size keys change, so that the run takes seconds; the paths stay
	// exactly as `cem init` wrote them.
	cfg, err := os.ReadFile("cem.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{{"\nrounds: 3 ", "\nrounds: 1 "}, {"  limit: 200 ", "  limit: 8   "}, {"batch_tokens: 4096", "batch_tokens: 512 "}} {
		if !bytes.Contains(cfg, []byte(r[0])) {
			t.Fatalf("cem.yaml lacks %q", r[0])
		}
		cfg = bytes.Replace(cfg, []byte(r[0]), []byte(r[1]), 1)
	}
	if err := os.WriteFile("cem.yaml", cfg, 0o644); err != nil {
		t.Fatal(err)
	}

	_, err = cem(t, "run", "cem.yaml")
	if err == nil {
		t.Fatal("cem run before its inputs exist succeeded")
	}
	hints := map[string]bool{}
	for _, m := range hintedCommand.FindAllStringSubmatch(err.Error(), -1) {
		hints[m[1]] = true
	}
	if len(hints) != 3 {
		t.Fatalf("cem run suggested %d distinct commands; want 3 (model, suites, index):\n%v", len(hints), err)
	}
	// Suites first: the base model's corpus is made from them.
	var order []string
	for h := range hints {
		if strings.HasPrefix(h, "cem suite build") {
			order = append([]string{h}, order...)
		} else {
			order = append(order, h)
		}
	}
	for _, h := range order {
		args := strings.Fields(h)[1:]
		switch args[0] + " " + args[1] {
		case "model new": // a quick base model from a corpus the test writes
			writeCorpus(t, "corpus.txt")
			for i, a := range args {
				if a == "TEXT..." {
					args[i] = "corpus.txt"
				}
			}
			args = append(args, "--steps", "4", "--batch-tokens", "512")
		case "suite build":
			args = append(args, "--sources", "quiz")
		case "index build":
			args = append(args, "--sources", "wordnet")
		}
		if out, err := cem(t, args...); err != nil {
			t.Fatalf("%s (suggested by cem run): %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	out, err := cem(t, "run", "cem.yaml")
	if err != nil {
		t.Fatalf("cem run cem.yaml: %v\n%s", err, out)
	}
	if !strings.Contains(out, "round 1 train     done") || !strings.Contains(out, "run folder runs/my-run") {
		t.Errorf("cem run output lacks round 1's training or the run folder:\n%s", out)
	}
	want, err := os.ReadFile(filepath.Join("runs", "my-run", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join("runs", "runs.sqlite")); err != nil {
		t.Errorf("default index: %v", err)
	}

	// A copy elsewhere resumes to the same metrics without redoing a stage.
	if err := os.CopyFS(filepath.Join("copy", "run"), os.DirFS(filepath.Join("runs", "my-run"))); err != nil {
		t.Fatal(err)
	}
	out, err = cem(t, "run", "cem.yaml", "-o", filepath.Join("copy", "run"))
	if err != nil {
		t.Fatalf("cem run on a copy: %v\n%s", err, out)
	}
	if strings.Contains(out, "done in") {
		t.Errorf("cem run on a copy of a finished run redid stages:\n%s", out)
	}
	if got, err := os.ReadFile(filepath.Join("copy", "run", "metrics.json")); err != nil || !bytes.Equal(got, want) {
		t.Errorf("copy's metrics.json differs from the original's (%v)", err)
	}

	readOnlyCopy(t, pkg, ws)
}

// writeCorpus writes a small plain-text corpus from the exam suite.
func writeCorpus(t *testing.T, path string) {
	t.Helper()
	s, err := exam.ReadSuite(filepath.Join("suites", "exam.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, it := range s.Items {
		if i == 200 {
			break
		}
		fmt.Fprintf(&b, "%s %s\n\n", it.Question, it.Answer.Text)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readOnlyCopy makes a read-only copy of the finished run in ws and runs
// the cem binary (built from pkg) on it as a user that cannot write it:
// `cem run` refuses with exit code 2 naming the folder, an index in a
// read-only folder is named too, and `cem report` of the copy works.
func readOnlyCopy(t *testing.T, pkg, ws string) {
	t.Helper()
	bin := filepath.Join(ws, "bin", "cem")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = pkg
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := os.CopyFS("ro", os.DirFS(filepath.Join("runs", "my-run"))); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("w", 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod("w", 0o777); err != nil {
		t.Fatal(err)
	}
	if err := chmodTree("ro", 0o555, 0o444); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(filepath.Join(ws, "ro"), func(p string, d fs.DirEntry, err error) error { return os.Chmod(p, 0o755) })
	})
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		// root writes anything: run as nobody, so that the modes count.
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		for d := ws; d != filepath.Dir(d) && d != os.TempDir(); d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		// Some inputs are written 0600; nobody must read them.
		for _, in := range []string{"cem.yaml", "suites", "models", "index"} {
			if err := chmodTree(in, 0o755, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "HOME="+filepath.Join(ws, "w"), "XDG_CACHE_HOME="+filepath.Join(ws, "w", "cache"))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("cem %s: %v", strings.Join(args, " "), err)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}
	if out, code := run("run", "cem.yaml", "-o", "ro"); code != 2 || !strings.Contains(out, "run folder ro is not writable") {
		t.Errorf("cem run -o ro (read-only) = exit %d:\n%s\nwant exit 2 naming the folder", code, out)
	}
	if out, code := run("run", "cem.yaml", "-o", filepath.Join("w", "run"), "--index", filepath.Join("ro", "runs.sqlite")); code == 0 || !strings.Contains(out, "folder ro is not writable") {
		t.Errorf("cem run --index ro/runs.sqlite (read-only folder) = exit %d:\n%s\nwant a failure naming the folder", code, out)
	}
	if out, code := run("report", "ro", "-o", filepath.Join("w", "report.html")); code != 0 {
		t.Errorf("cem report of a read-only copy = exit %d:\n%s", code, out)
	}
}

// skipOnPortableKernels skips an end-to-end run that trains several
// models under -tags purego (CI's second pass), where the pure-Go kernels
// make it take many minutes: the default build runs it, and the purego
// pass checks the portable kernels against the assembly ones in the
// kernel, tensor, nn and native packages.
func skipOnPortableKernels(t *testing.T) {
	t.Helper()
	if portableKernels {
		t.Skip("end-to-end training run: covered by the default build; -tags purego checks the kernels in their own packages")
	}
}

// wordMaker returns a maker of capitalised made-up words of two or three
// syllables drawn from syl by rng: names no corpus holds, for fixtures.
func wordMaker(rng *rand.Rand, syl []string) func() string {
	return func() string {
		var b strings.Builder
		for range 2 + rng.IntN(2) {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		s := b.String()
		return strings.ToUpper(s[:1]) + s[1:]
	}
}

// chmodTree sets the mode of every folder below root (root too) to dirs
// and of every other file to files.
func chmodTree(root string, dirs, files fs.FileMode) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, dirs)
		}
		return os.Chmod(p, files)
	})
}
