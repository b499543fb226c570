// Package defaults holds the default of each setting that more than one
// layer applies (the config file, the native trainer and optimiser, the
// examiner, the command line), so a zero value means the same thing
// everywhere, and Positive, the rule of a setting whose zero or negative
// value means its default.
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

// Number is a type whose zero and negative values Positive replaces
// (time.Duration among them).
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64
}

// Positive is def when v is zero or negative, else v: the rule of every
// setting whose zero or negative value means its default (a NaN is kept).
func Positive[T Number](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
