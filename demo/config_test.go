package demo

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/loop"
)

// TestDemoConfigRoundTrips: the cem.yaml the demo writes, in full and in
// quick mode, loads back (strictly, validated) into the configuration the
// demo ran, so `cem run` on it repeats the demo's rounds. The tests only
// run the quick demo; this is the one that reads the full one's settings.
func TestDemoConfigRoundTrips(t *testing.T) {
	suites := []loop.Suite{{Name: "exam", Role: "exam"}, {Name: "general", Role: "general"}}
	for _, quick := range []bool{false, true} {
		ws := t.TempDir()
		want := demoConfig(Options{Seed: 11, Rounds: 3, Quick: quick}, ws, suites)
		// What Run sets next, from the index and base model it built.
		want.Sources.Index = filepath.Join(ws, "index", "demo.idx")
		want.Model.Path = filepath.Join(ws, "models", "base")
		want.Mix.GeneralExamples = filepath.Join(ws, "general.jsonl")
		path := filepath.Join(ws, "cem.yaml")
		if err := writeConfig(path, want); err != nil {
			t.Fatal(err)
		}
		got, err := config.Load(path)
		if err != nil {
			t.Fatalf("quick=%v: the written cem.yaml does not load: %v", quick, err)
		}
		if !reflect.DeepEqual(got.Mix, want.Mix) || got.Mistakes != want.Mistakes || got.Trainer != want.Trainer {
			t.Errorf("quick=%v: loaded mix %+v, mistakes %+v, trainer %+v;\nwrote %+v, %+v, %+v",
				quick, got.Mix, got.Mistakes, got.Trainer, want.Mix, want.Mistakes, want.Trainer)
		}
		if len(got.Mix.Weights) == 0 {
			t.Errorf("quick=%v: the demo's loss weights were lost: %v", quick, got.Mix.Weights)
		}
	}
}
