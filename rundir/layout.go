package rundir

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Stage names, in round order; each names its artifact file.
const (
	StageExam      = "exam"
	StageMistakes  = "mistakes"
	StageQueries   = "queries"
	StageRetrieval = "retrieval"
	StageCuration  = "curation"
	StageTrainset  = "trainset"
	StageTrain     = "train"
	StageMetrics   = "metrics"
)

// Files at the top of a run folder.
const (
	ConfigFile  = "config.yaml"
	RunInfoFile = "run.json"
	MetricsFile = "metrics.json"
	TimingsFile = "timings.json"
	LockFile    = ".cem.lock"
)

// Round is the folder of round r of run dir.
func Round(dir string, r int) string { return filepath.Join(dir, fmt.Sprintf("round-%d", r)) }

// Artifact is the JSON Lines artifact of stage at round r.
func Artifact(dir string, r int, stage string) string {
	return filepath.Join(Round(dir, r), stage+".jsonl")
}

// ManifestPath is the manifest of stage at round r.
func ManifestPath(dir string, r int, stage string) string {
	return filepath.Join(Round(dir, r), stage+".manifest.json")
}

// RoundMetricsPath is round r's metrics.json.
func RoundMetricsPath(dir string, r int) string {
	return filepath.Join(Round(dir, r), StageMetrics+".json")
}

// TrainDir is the folder the trainer of round r writes into.
func TrainDir(dir string, r int) string { return filepath.Join(Round(dir, r), StageTrain) }

// ExportDir is where `cem export` writes round r's training set for
// another trainer's format.
func ExportDir(dir string, r int, format string) string {
	return filepath.Join(Round(dir, r), "export", format)
}

// File is the path of one of the top-level files (ConfigFile, ...).
func File(dir, name string) string { return filepath.Join(dir, name) }

// StageReview is the human review stage: curation's verdicts after the
// reviewers' decisions (only in runs with curation.review).
const StageReview = "review"

// ReviewSamplePath is round r's review sample: the passages drawn for a
// person to check.
func ReviewSamplePath(dir string, r int) string {
	return filepath.Join(Round(dir, r), "review-sample.jsonl")
}

// ReviewDecisionsPath is round r's review decisions, one per line, the
// latest about a passage winning.
func ReviewDecisionsPath(dir string, r int) string {
	return filepath.Join(Round(dir, r), "review-decisions.jsonl")
}

// Rounds lists the rounds whose folders exist in run dir, ascending; a
// missing run folder is an error.
func Rounds(dir string) ([]int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", dir, err)
	}
	var rs []int
	for _, e := range entries {
		var r int
		if e.IsDir() && strings.HasPrefix(e.Name(), "round-") {
			if _, err := fmt.Sscanf(e.Name(), "round-%d", &r); err == nil && Round(dir, r) == filepath.Join(dir, e.Name()) {
				rs = append(rs, r)
			}
		}
	}
	sort.Ints(rs)
	return rs, nil
}
