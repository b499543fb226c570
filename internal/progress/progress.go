// Package progress is the one way a long task reports how far it is:
// exam chunks, training steps, a run's stages. Libraries take a Reporter
// (nil reports nowhere); cmd/cem has the one implementation that draws
// bars on a terminal and prints lines otherwise.
package progress

// Update says how far a task is.
type Update struct {
	// Task names what is under way ("train", "pre-train base model");
	// empty where the reporter knows (see Named).
	Task string
	// Done of Total units are finished (items, steps).
	Done, Total int
	// Train marks a training step; Loss is its loss.
	Train bool
	Loss  float64
	// Detail is the reporting package's own record of the unit (for
	// example an nn.StepInfo), for a Reporter that knows it; nil when
	// there is none.
	Detail any
}

// Reporter receives updates. Report is called on the task's goroutine
// and should return quickly.
type Reporter interface {
	Report(Update)
}

// Func is a function that is a Reporter.
type Func func(Update)

// Report calls f.
func (f Func) Report(u Update) { f(u) }

// Report sends u to r, doing nothing when r is nil.
func Report(r Reporter, u Update) {
	if r != nil {
		r.Report(u)
	}
}

// Named returns a Reporter that passes updates to r with Task set to
// task; nil when r is nil.
func Named(r Reporter, task string) Reporter {
	if r == nil {
		return nil
	}
	return Func(func(u Update) {
		u.Task = task
		r.Report(u)
	})
}
