package loop

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/internal/runlock"
	"github.com/cemlab/cem/rundir"
)

// ErrOtherRun is wrapped by the error Run returns when the run folder
// holds the run of another configuration (see Options.Force).
var ErrOtherRun = errors.New("the run folder holds another configuration's run")

// runIdentity is what makes two configurations the same run: a folder
// started with one identity is resumed only by a config with the same.
// Settings outside it (trainer, mix, curation, ...) may change between
// invocations; the stages they feed are redone by their input hashes.
type runIdentity struct {
	Name     string
	Seed     int64
	Baseline string
	Model    string // backend, name, path and server of the base model
	Suites   string // name and role of each suite, in order
}

func identityOf(c *config.Config) runIdentity {
	id := runIdentity{Name: c.Name, Seed: c.Seed, Baseline: c.Baseline,
		Model: fmt.Sprintf("%s %s %s %s", c.Model.Backend, c.Model.Name, filepath.Clean(c.Model.Path), c.Model.BaseURL)}
	var suites []string
	for _, s := range c.Suites {
		suites = append(suites, s.Name+":"+s.Role)
	}
	id.Suites = strings.Join(suites, ",")
	return id
}

// differences lists the fields where have (the folder's) and want differ.
func (have runIdentity) differences(want runIdentity, full bool) []string {
	var out []string
	add := func(what string, a, b any) {
		if a != b {
			out = append(out, fmt.Sprintf("%s %v, this config %v", what, a, b))
		}
	}
	add("name", have.Name, want.Name)
	add("seed", have.Seed, want.Seed)
	add("baseline", fmt.Sprintf("%q", have.Baseline), fmt.Sprintf("%q", want.Baseline))
	if full {
		add("model", strings.TrimSpace(have.Model), strings.TrimSpace(want.Model))
		add("suites", have.Suites, want.Suites)
	}
	return out
}

// storedIdentity reads the identity of the run in dir from its
// config.yaml, or else its run.json (which holds name, seed and baseline
// only: full is false then). ok is false when the folder holds no run.
func storedIdentity(dir string) (id runIdentity, full, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err == nil {
		var c config.Config
		if err := yaml.Unmarshal(data, &c); err != nil {
			return id, false, false, fmt.Errorf("%s: %w", filepath.Join(dir, "config.yaml"), err)
		}
		return identityOf(&c), true, true, nil
	}
	if !errMissing(err) {
		return id, false, false, err
	}
	var info rundir.RunInfo
	if err := rundir.ReadJSON(filepath.Join(dir, "run.json"), &info); err != nil {
		if errMissing(err) {
			return id, false, false, nil
		}
		return id, false, false, err
	}
	return runIdentity{Name: info.Name, Seed: info.Seed, Baseline: info.Baseline}, false, true, nil
}

// openRun locks the run folder for this process (released by the
// returned lock, or by the OS when the process ends), refuses a folder
// holding another configuration's run unless opts.Force, and removes the
// temporary files that writes killed mid-way left in it. It returns the
// number of rounds in the folder's metrics.json, which a failing
// invocation must not shrink (see state.finishRound).
func openRun(opts Options, obs Observer) (*runlock.Lock, int, error) {
	lk, err := runlock.Acquire(opts.Dir)
	if err != nil {
		return nil, 0, fmt.Errorf("run folder: %w", err)
	}
	fail := func(err error) (*runlock.Lock, int, error) {
		lk.Release()
		return nil, 0, err
	}
	have, full, ok, err := storedIdentity(opts.Dir)
	if err != nil {
		return fail(fmt.Errorf("run folder %s: %w", opts.Dir, err))
	}
	if ok {
		if diff := have.differences(identityOf(opts.Config), full); len(diff) > 0 {
			if !opts.Force {
				return fail(fmt.Errorf("%w: %s has %s; use another run folder, or force to replace that run",
					ErrOtherRun, opts.Dir, strings.Join(diff, "; ")))
			}
			// Its summary and timings describe the other run; its stage
			// artifacts are redone or reused by their input hashes.
			for _, f := range []string{"metrics.json", "timings.json"} {
				if err := os.Remove(filepath.Join(opts.Dir, f)); err != nil && !errMissing(err) {
					return fail(err)
				}
			}
			obs.Event(Event{Kind: Note, Msg: fmt.Sprintf("replacing the run in %s (%s)", opts.Dir, strings.Join(diff, "; "))})
		}
	}
	removed, err := lk.RemoveTemps()
	if err != nil {
		return fail(err)
	}
	for _, p := range removed {
		slog.Info("removed the temporary file of an interrupted write", "path", p)
	}
	rounds := 0
	var prev struct {
		Rounds []struct{} `json:"rounds"`
	}
	if err := rundir.ReadJSON(filepath.Join(opts.Dir, "metrics.json"), &prev); err == nil {
		rounds = len(prev.Rounds)
	}
	return lk, rounds, nil
}
