package slurm

import (
	"strings"
	"testing"
	"time"

	"github.com/cemlab/cem/model/command"
)

func TestParseElapsed(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{in: "00:00:07", want: 7 * time.Second},
		{in: "01:02:03", want: time.Hour + 2*time.Minute + 3*time.Second},
		{in: "2-00:00:01", want: 48*time.Hour + time.Second},
		{in: "05:09", want: 5*time.Minute + 9*time.Second},
		{in: "x:00", err: true},
		{in: "a-00:00:01", err: true},
	}
	for _, tt := range tests {
		got, err := parseElapsed(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseElapsed(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseFields(t *testing.T) {
	f := parseFields("JobId=7 JobName=cem-run-r1-abc JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0 RunTime=00:00:02 Command=/x/train.sbatch")
	want := map[string]string{"JobId": "7", "JobState": "FAILED", "ExitCode": "1:0", "RunTime": "00:00:02", "Command": "/x/train.sbatch", "Reason": "NonZeroExitCode"}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("field %s = %q; want %q", k, f[k], v)
		}
	}
}

func TestScript(t *testing.T) {
	tr, err := New(Config{Config: command.Config{Command: "train --data {{.Data}}", Env: []string{"A=it's"}},
		Partition: "gpu", GPUs: 2, CPUs: 8, Mem: "16G", Time: "1:00:00", Extra: []string{"--qos=high", "#SBATCH --exclusive"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	job := command.Job{Argv: []string{"train", "--data", "/d/my data.jsonl"}, Final: "/d/model"}
	s, err := tr.script(job, "cem-x-r1-abc", "0123", "/d/slurm/job-%j.log", "/d")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#!/bin/sh\n", "#SBATCH --job-name=cem-x-r1-abc\n", "#SBATCH --partition=gpu\n",
		"#SBATCH --gpus=2\n", "#SBATCH --cpus-per-task=8\n", "#SBATCH --mem=16G\n", "#SBATCH --time=1:00:00\n",
		"#SBATCH --qos=high\n", "#SBATCH --exclusive\n", "#SBATCH --output=/d/slurm/job-%j.log\n", "#SBATCH --comment=cem:0123\n",
		`export A='it'\''s'` + "\n", `exec 'train' '--data' '/d/my data.jsonl'` + "\n", jobLine} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	// Every #SBATCH line comes before the first command, or sbatch ignores it.
	if i, j := strings.LastIndex(s, "#SBATCH"), strings.Index(s, "\nexport"); i > j {
		t.Errorf("an #SBATCH line follows a command:\n%s", s)
	}
}

func TestNewRejects(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Config: command.Config{Command: "x"}, GPUs: -1},
		{Config: command.Config{Command: "x"}, Mem: "16 G"},
		{Config: command.Config{Command: "x"}, Extra: []string{"--a\n--b"}},
		{Config: command.Config{Command: "x"}, Extra: []string{"#SBATCH "}},
	} {
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("New(%+v) succeeded; want an error", cfg)
		}
	}
}
