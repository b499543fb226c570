// Package defaults holds the default of each setting that more than one
// layer applies (the config file, the native trainer and optimiser, the
// examiner, the command line), so a zero value means the same thing
// everywhere.
package defaults

const (
	// LearningRate is the native trainer's and the AdamW optimiser's peak
	// learning rate.
	LearningRate = 1e-3
	// Epochs is the native trainer's passes over its examples.
	Epochs = 2
	// ExamBatch is the number of score or generate requests the examiner
	// sends at once.
	ExamBatch = 64
)
