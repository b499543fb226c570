package loop

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cemlab/cem/internal/jsonl"
	"github.com/cemlab/cem/rundir"
)

// stepper runs stages with skip-if-unchanged bookkeeping.
type stepper struct {
	dir     string
	obs     Observer
	timings []rundir.Timing
	meter   Meter                    // nil: no metered backend
	usage   map[int]map[string]Usage // per round, summed over its stages
}

func (s *stepper) roundDir(r int) string { return rundir.Round(s.dir, r) }

// stepOut is what a stage produced: its records, optional extra data for
// the manifest, and the files or folders it wrote besides its artifact
// (absolute, or relative to the run folder), whose tree hashes the
// manifest records so that a damaged one makes the stage run again.
type stepOut[T any] struct {
	records []T
	extra   any
	outputs []string
}

// runStep returns the records of stage at round r: read back from its
// artifact when the manifest's input hash equals inHash and the artifact
// is intact, otherwise produced, written (artifact first, then manifest,
// each atomically) and returned. The second result is the artifact's hash,
// which later stages fold into their input hashes; the third is the
// manifest.
func runStep[T any](ctx context.Context, s *stepper, r int, stage, inHash string,
	produce func(ctx context.Context) (stepOut[T], error)) ([]T, string, rundir.Manifest, error) {
	art := filepath.Join(s.roundDir(r), stage+".jsonl")
	man := filepath.Join(s.roundDir(r), stage+".manifest.json")
	m, ok := fresh(s.dir, man, art, inHash)
	why := ""
	if ok {
		recs, err := rundir.ReadJSONL[T](art)
		if err == nil {
			s.timings = append(s.timings, rundir.Timing{Round: r, Stage: stage, Seconds: m.Seconds, Skipped: true})
			s.addUsage(r, m.Usage)
			s.obs.Event(Event{Kind: StageSkipped, Round: r, Stage: stage, Elapsed: seconds(m.Seconds)})
			return recs, m.OutputHash, m, nil
		}
		why = err.Error()
	}
	if m.InputHash == inHash {
		// The stage finished once with these inputs but something it wrote
		// is missing or damaged: discard what it wrote inside the run
		// folder, so that it is made again from scratch (a trainer would
		// otherwise find a damaged checkpoint where it resumes from).
		if err := s.discard(r, stage, man, m, why); err != nil {
			return nil, "", rundir.Manifest{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, "", rundir.Manifest{}, err
	}
	s.obs.Event(Event{Kind: StageStarted, Round: r, Stage: stage})
	start := time.Now()
	before := s.reading()
	out, err := produce(ctx)
	if err != nil {
		return nil, "", rundir.Manifest{}, fmt.Errorf("round %d %s: %w", r, stage, err)
	}
	data, err := jsonl.Marshal(out.records)
	if err != nil {
		return nil, "", rundir.Manifest{}, fmt.Errorf("round %d %s: %w", r, stage, err)
	}
	if err := rundir.WriteFile(art, data); err != nil {
		return nil, "", rundir.Manifest{}, err
	}
	elapsed := time.Since(start)
	m = rundir.Manifest{Stage: stage, Round: r, InputHash: inHash, OutputHash: hashBytes(data),
		Records: len(out.records), Seconds: elapsed.Seconds(), Usage: s.usageSince(before)}
	if m.Outputs, err = outputHashes(s.dir, out.outputs); err != nil {
		return nil, "", rundir.Manifest{}, fmt.Errorf("round %d %s: %w", r, stage, err)
	}
	if out.extra != nil {
		if m.Extra, err = json.Marshal(out.extra); err != nil {
			return nil, "", rundir.Manifest{}, fmt.Errorf("round %d %s manifest: %w", r, stage, err)
		}
	}
	if err := rundir.WriteJSON(man, m); err != nil {
		return nil, "", rundir.Manifest{}, err
	}
	s.timings = append(s.timings, rundir.Timing{Round: r, Stage: stage, Seconds: elapsed.Seconds()})
	s.addUsage(r, m.Usage)
	s.obs.Event(Event{Kind: StageFinished, Round: r, Stage: stage, Elapsed: elapsed, Done: len(out.records)})
	return out.records, m.OutputHash, m, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// discard removes the manifest of a finished stage whose files failed
// verification, then the outputs it recorded inside the run folder, and
// tells the observer why the stage runs again (why, when not "").
func (s *stepper) discard(r int, stage, man string, m rundir.Manifest, why string) error {
	if why == "" {
		why = "its artifact is missing or damaged"
		if err := checkOutputs(s.dir, m.Outputs); err != nil {
			why = err.Error()
		}
	}
	if err := os.Remove(man); err != nil && !errMissing(err) {
		return fmt.Errorf("round %d %s: %w", r, stage, err)
	}
	for key := range m.Outputs {
		if !insideDir(key) {
			continue
		}
		if err := os.RemoveAll(outputPath(s.dir, key)); err != nil {
			return fmt.Errorf("round %d %s: %w", r, stage, err)
		}
	}
	s.obs.Event(Event{Kind: Note, Round: r, Stage: stage, Msg: fmt.Sprintf("round %d %s: redoing the stage: %s", r, stage, why)})
	return nil
}
