// The chaos test trains a model several times over; with the portable
// kernels (-tags purego, CI's second pass) that takes many minutes, and it
// tests resume, not kernels, so it runs in the default build only.

//go:build !purego

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cemlab/cem/internal/atomicfile"
	"github.com/cemlab/cem/rundir"
)

// The chaos test runs a small `cem run` (a tiny native model, a few
// multiple-choice items, two rounds) in subprocesses: once uninterrupted
// as the reference, then killed with SIGKILL after every stage boundary
// and at seeded random times, resumed each time, and checks that the
// interrupted runs end with the reference's files, byte for byte.

// chaosFixture writes a config for a two-round run whose files (suites,
// an index, a tiny base model) are made with cem's own commands.
func chaosFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 7))
	word := wordMaker(rng, []string{"ka", "lo", "mi", "ner", "po", "sa", "tu", "vel", "zan", "ri", "do", "fe"})
	type fact struct{ country, capital string }
	var facts []fact
	used := map[string]bool{}
	for len(facts) < 20 {
		c, k := word()+"ia", word()+"ton"
		if !used[c] && !used[k] {
			used[c], used[k] = true, true
			facts = append(facts, fact{c, k})
		}
	}
	// The base model reads every fourth fact; the index holds them all.
	var corpus, passages bytes.Buffer
	for i, f := range facts {
		text := fmt.Sprintf("The capital of %s is %s. %s lies in %s.", f.country, f.capital, f.capital, f.country)
		if i%4 == 0 {
			fmt.Fprintf(&corpus, "%s\n\n", text)
		}
		line, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("fact-%d", i), "title": f.country, "text": text,
			"source": "facts", "license": "CC0-1.0"})
		passages.Write(append(line, '\n'))
	}
	for _, s := range []string{"The cat sat on the mat.", "Water is wet.", "The sun is hot.", "Snow is cold."} {
		fmt.Fprintf(&corpus, "%s\n\n", s)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	corpusPath := write("corpus.txt", corpus.Bytes())
	passagesPath := write("passages.jsonl", passages.Bytes())
	mc := func(id, q string, answer string, pool []string) string {
		choices := []string{answer}
		for _, c := range pool {
			if c != answer && len(choices) < 4 {
				choices = append(choices, c)
			}
		}
		rng.Shuffle(len(choices), func(i, j int) { choices[i], choices[j] = choices[j], choices[i] })
		line, _ := json.Marshal(map[string]any{"id": id, "question": q, "choices": choices, "answer": slices.Index(choices, answer)})
		return string(line) + "\n"
	}
	var capitals, countries []string
	for _, f := range facts {
		capitals, countries = append(capitals, f.capital), append(countries, f.country)
	}
	suites := map[string]*strings.Builder{"exam": {}, "heldout": {}, "ood": {}, "general": {}}
	for i, f := range facts[:12] {
		suites["exam"].WriteString(mc(fmt.Sprintf("e%d", i), "What is the capital of "+f.country+"?", f.capital, capitals[(i+1)%12:]))
	}
	for i, f := range facts[:4] {
		suites["heldout"].WriteString(mc(fmt.Sprintf("h%d", i), f.capital+" is the capital of which country?", f.country, countries[4:]))
	}
	for i, f := range facts[12:16] {
		suites["ood"].WriteString(mc(fmt.Sprintf("o%d", i), "What is the capital of "+f.country+"?", f.capital, capitals[12:]))
	}
	for i, q := range [][2]string{{"What is wet?", "Water"}, {"What is hot?", "The sun"}, {"What is cold?", "Snow"}, {"Where did the cat sit?", "The mat"}} {
		suites["general"].WriteString(mc(fmt.Sprintf("g%d", i), q[0], q[1], []string{"Water", "The sun", "Snow", "The mat"}))
	}
	var suiteLines strings.Builder
	for _, role := range []string{"exam", "heldout", "ood", "general"} {
		p := write(role+".jsonl", []byte(suites[role].String()))
		fmt.Fprintf(&suiteLines, "  - {name: %s, role: %s, path: %s}\n", role, role, p)
	}

	base := filepath.Join(dir, "base")
	if err := runModelNew(t.Context(), modelTrainOptions{Size: "tiny", Corpus: []string{corpusPath}, Out: base, Steps: 30,
		BatchTokens: 512, SeqLen: 64, LR: 3e-3, Seed: 1, LogEvery: 100}, io.Discard); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, "facts.idx")
	if err := runIndexBuild(t.Context(), indexOptions{Dir: dir, JSONL: []string{passagesPath}, Out: index,
		MaxChars: 2000}, io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`name: chaos
seed: 3
rounds: 2
model: {backend: native, path: %s}
trainer: {backend: native, epochs: 1, learning_rate: 0.002, batch_tokens: 512}
mistakes: {max_items: 6}
suites:
%ssources: {index: %s, k: 2}
`, base, suiteLines.String(), index)
	return write("chaos.yaml", []byte(cfg))
}

// cemProcess starts the test binary as `cem run cfg -o out` with the
// extra environment env.
func cemProcess(cfg, out string, env ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "CEM_TEST_AS_CEM=1",
		"CEM_TEST_ARGS=run "+cfg+" -o "+out+" --index "+out+".sqlite"), env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	return cmd, &buf
}

// runCem runs `cem run` to the end and fails the test on an error.
func runCem(t *testing.T, cfg, out string) string {
	t.Helper()
	cmd, buf := cemProcess(cfg, out)
	if err := cmd.Run(); err != nil {
		t.Fatalf("cem run %s: %v\n%s", out, err, buf)
	}
	return buf.String()
}

// killed reports whether a finished subprocess died of SIGKILL.
func killed(err error) bool {
	ee, ok := err.(*exec.ExitError)
	if !ok {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// runFiles reads a run folder's metrics.json and every file of its round
// folders except manifests (which hold wall times), by relative path.
func runFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasSuffix(rel, ".manifest.json") || (!strings.HasPrefix(rel, "round-") && rel != "metrics.json") {
			return nil
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameFiles fails the test where the run in dir differs from want.
func sameFiles(t *testing.T, what, dir string, want map[string][]byte) {
	t.Helper()
	got := runFiles(t, dir)
	for p, b := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: %s missing", what, p)
		case !bytes.Equal(g, b):
			t.Errorf("%s: %s differs from the uninterrupted run's (%d bytes, want %d)", what, p, len(g), len(b))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s is not in the uninterrupted run", what, p)
		}
	}
}

// temps lists the temporary files of atomic writes under dir.
func temps(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && atomicfile.IsTemp(d.Name()) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestChaosKillAndResume(t *testing.T) {
	cfg := chaosFixture(t)
	work := t.TempDir()

	// The reference: one uninterrupted run.
	ref := filepath.Join(work, "ref")
	start := time.Now()
	runCem(t, cfg, ref)
	took := time.Since(start)
	want := runFiles(t, ref)
	var timings []rundir.Timing
	data, err := os.ReadFile(filepath.Join(ref, "timings.json"))
	if err == nil {
		err = json.Unmarshal(data, &timings)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Resuming the finished run redoes nothing: that is each resume's cost.
	start = time.Now()
	if out := runCem(t, cfg, ref); strings.Contains(out, "done in") {
		t.Errorf("resuming a finished run redid stages:\n%s", out)
	}
	overhead := time.Since(start)
	boundaries := len(timings) + 3 // every stage, and rounds 0..2 finishing
	t.Logf("reference run %s, %d stages; a no-op resume takes %s", took.Round(time.Millisecond), len(timings), overhead.Round(time.Millisecond))
	for _, tm := range timings {
		t.Logf("round %d %-9s %.2fs", tm.Round, tm.Stage, tm.Seconds)
	}

	t.Run("every-boundary", func(t *testing.T) {
		dir := filepath.Join(work, "boundaries")
		kills := 0
		for {
			cmd, buf := cemProcess(cfg, dir, fmt.Sprintf("%s=%d", killAfterEnv, kills+1))
			err := cmd.Run()
			if err == nil {
				break
			}
			if !killed(err) {
				t.Fatalf("after %d kills: cem run: %v\n%s", kills, err, buf)
			}
			if kills++; kills > boundaries {
				t.Fatalf("more than %d kills: a resume made no progress\n%s", boundaries, buf)
			}
		}
		if kills != boundaries {
			t.Errorf("killed at %d boundaries; want %d (each stage and each round)", kills, boundaries)
		}
		sameFiles(t, "killed at every boundary", dir, want)
	})

	t.Run("random-kills", func(t *testing.T) {
		dir := filepath.Join(work, "random")
		rng := rand.New(rand.NewPCG(2026, 8))
		// 20 kill times spread over the reference run; each process lives
		// for the gap to its kill time after a no-op resume's overhead.
		// Every fourth waits for an atomic write in flight and kills
		// inside it.
		const n = 20
		times := make([]time.Duration, n)
		for i := range times {
			times[i] = time.Duration(rng.Float64() * 0.9 * float64(took))
		}
		slices.Sort(times)
		kills, inWrites, finished := 0, 0, false
		prev := time.Duration(0)
		for i := 0; i < n && !finished; i++ {
			gap := times[i] - prev
			prev = times[i]
			cmd, buf := cemProcess(cfg, dir)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			deadline := time.After(overhead + gap)
			var poll <-chan time.Time
			if i%4 == 3 {
				tick := time.NewTicker(200 * time.Microsecond)
				defer tick.Stop()
				poll = tick.C
			}
			var err error
		wait:
			for {
				select {
				case err = <-done:
					finished = err == nil
					break wait
				case <-deadline:
					cmd.Process.Signal(syscall.SIGKILL)
				case <-poll:
					if len(temps(dir)) > 0 {
						cmd.Process.Signal(syscall.SIGKILL)
						inWrites++
						poll = nil
					}
				}
			}
			if !finished && !killed(err) {
				t.Fatalf("after %d kills: cem run: %v\n%s", kills, err, buf)
			}
			if !finished {
				kills++
			}
		}
		left := len(temps(dir))
		runCem(t, cfg, dir)
		t.Logf("%d kills (%d inside a write), %d temporary files left before the last resume", kills, inWrites, left)
		if kills < n {
			t.Errorf("%d kills; want %d (the run finished early)", kills, n)
		}
		if tmp := temps(dir); len(tmp) > 0 {
			t.Errorf("temporary files left after the resume: %q", tmp)
		}
		sameFiles(t, "killed at random", dir, want)
	})

	t.Run("damaged-checkpoint", func(t *testing.T) {
		weights := filepath.Join(ref, "round-1", "train", "model", "model.safetensors")
		for _, tc := range []struct {
			name   string
			damage func() error
		}{
			{"truncated", func() error { return os.Truncate(weights, 100) }},
			{"deleted", func() error { return os.RemoveAll(filepath.Dir(weights)) }},
			{"altered-same-size", func() error {
				b, err := os.ReadFile(weights)
				if err != nil {
					return err
				}
				for i := len(b) / 2; i < len(b)/2+64; i++ {
					b[i] ^= 0x55
				}
				return os.WriteFile(weights, b, 0o644)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := tc.damage(); err != nil {
					t.Fatal(err)
				}
				out := runCem(t, cfg, ref)
				if !strings.Contains(out, "round 1 train: redoing the stage") {
					t.Errorf("the resume did not say it redoes round 1 train:\n%s", out)
				}
				sameFiles(t, "after a "+tc.name+" checkpoint", ref, want)
			})
		}
	})
}
