package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/demo"
	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/rundir"

	"go.yaml.in/yaml/v3"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/model/slurm"
)

// needSlurm skips without a Slurm cluster (see scripts/ci-slurm.sh), or
// fails when CEM_REQUIRE_SLURM=1.
func needSlurm(t *testing.T) {
	t.Helper()
	err := slurm.Available()
	if err == nil {
		return
	}
	if os.Getenv("CEM_REQUIRE_SLURM") == "1" {
		t.Fatalf("no Slurm cluster: %v; CEM_REQUIRE_SLURM=1 requires one", err)
	}
	t.Skipf("no Slurm cluster: %v; start one with `source scripts/ci-slurm.sh` (root)", err)
}

// TestRunSlurmTwoRounds prepares the quick demo's workspace, then runs
// `cem run` on its config with trainer.backend slurm for 2 rounds: each
// round's training is a Slurm job running `cem model train`, and the
// rounds' usage holds the jobs' elapsed time and GPU hours.
func TestRunSlurmTwoRounds(t *testing.T) {
	skipOnPortableKernels(t)
	demotest.Paths(t)
	needSlurm(t)
	if testing.Short() {
		t.Skip("builds cem and runs the quick demo; skipped in -short mode")
	}
	ws := t.TempDir()
	var out bytes.Buffer
	if err := runDemo(t.Context(), demoOptions{Options: demo.Options{Dir: ws, Quick: true, Seed: 1, NoBaseline: true}}, &out); err != nil {
		t.Fatalf("demo --quick: %v\n%s", err, out.String())
	}
	bin := filepath.Join(t.TempDir(), "cem")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building cem: %v\n%s", err, b)
	}
	cfg, err := config.Load(filepath.Join(ws, "quick", "cem.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Rounds = 2
	cfg.Trainer.Backend = config.BackendSlurm
	// Slurm accounts whole seconds, and on idle cores the quick model's
	// training takes under one, which Slurm reports as 0: the job runs
	// through a wrapper that waits 2 s first, so its elapsed time is
	// never 0 and the usage assertions below can tell a missing record.
	slow := filepath.Join(t.TempDir(), "cem-slow")
	if err := os.WriteFile(slow, []byte("#!/bin/sh\nsleep 2\nexec "+bin+" \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg.Trainer.Command = slow + " model train --from {{.From}} --data {{.Data}} --out {{.OutDir}} --epochs 2 --min-steps 4 --lr 3e-3 --log-every 1"
	cfg.Trainer.Slurm = &config.SlurmConfig{GPUs: 1, CPUs: 1, Time: "10:00"}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(ws, "quick", "slurm.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(ws, "quick", "runs", "slurm")
	out.Reset()
	if err := runRun(t.Context(), runOptions{Out: runDir}, path, &out); err != nil {
		t.Fatalf("cem run (slurm): %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "job: submitted Slurm job") || !strings.Contains(out.String(), "GPU h") {
		t.Errorf("cem run output lacks the job's lines or the GPU hours column:\n%s", out.String())
	}
	b, err := os.ReadFile(filepath.Join(runDir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum rundir.Summary
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Rounds) != 3 {
		t.Fatalf("metrics.json has %d rounds; want round 0 and 2 CEM rounds", len(sum.Rounds))
	}
	for _, m := range sum.Rounds[1:] {
		u := m.Usage["trainer/slurm"]
		if u.TrainSeconds <= 0 || math.Abs(u.GPUHours-u.TrainSeconds/3600) > 1e-12 {
			t.Errorf("round %d usage %+v; want the job's elapsed seconds and GPU hours = elapsed x 1 GPU", m.Round, u)
		}
		if _, err := os.Stat(filepath.Join(runDir, fmt.Sprintf("round-%d", m.Round), "train", "slurm", "job.json")); err != nil {
			t.Errorf("round %d: no job record: %v", m.Round, err)
		}
	}
}
