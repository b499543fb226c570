package loop

import "github.com/cemlab/cem/model"

// TrainSet is a round's training set and its mix manifest.
type TrainSet struct {
	Examples []model.Example
	// Manifest describes the mix (counts and ratios per kind, sources);
	// it is stored as written and shown in the report.
	Manifest any
}
