package metrics

// Forgetting is Chaudhry et al.'s forgetting measure (Riemannian Walk,
// ECCV 2018) at round k, averaged over the given suites:
//
//	f_j(k) = max_{l in 0..k-1} a_{l,j} − a_{k,j}
//	F(k)   = mean_j f_j(k)
//
// where a_{l,j} is the accuracy of round l on suite j (for cem, the
// "task" j is a suite such as the general one that must not be forgotten).
// Rounds where a suite has no items are skipped. The value is positive
// when the suite dropped below its best earlier accuracy and negative when
// round k beats every earlier round (Chaudhry reports it unclipped; so do
// we). ok is false when k < 1 or no suite has both a cell at k and one
// earlier.
func (m Matrix) Forgetting(k int, suites ...string) (float64, bool) {
	var sum float64
	n := 0
	for _, s := range suites {
		cur, ok := m.At(k, s)
		if !ok {
			continue
		}
		best, found := 0.0, false
		for l := 0; l < k; l++ {
			if c, ok := m.At(l, s); ok && (!found || c.P > best) {
				best, found = c.P, true
			}
		}
		if !found {
			continue
		}
		sum += best - cur.P
		n++
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// ItemForgetting is Chaudhry's measure taken per item on one suite: of the
// items answered correctly at some round l < k and present at round k, the
// share answered wrongly at round k (with its Wilson 95 % interval).
// history[l] is the suite's outcomes at round l. For k < 1 or
// k >= len(history) it returns the empty Interval.
func ItemForgetting(history []Outcomes, k int) Interval {
	if k < 1 || k >= len(history) {
		return Wilson95(0, 0)
	}
	forgot, n := 0, 0
	for id, now := range history[k] {
		wasRight := false
		for l := 0; l < k && !wasRight; l++ {
			wasRight = history[l][id]
		}
		if !wasRight {
			continue
		}
		n++
		if !now {
			forgot++
		}
	}
	return Wilson95(forgot, n)
}

// BWT is backward transfer (Lopez-Paz and Ranzato, GEM, NeurIPS 2017)
// at the last round T = len(history)-1:
//
//	BWT = mean_{i in 0..T-1, tasks[i] non-empty} ( R_{T,i} − R_{i,i} )
//
// where R_{j,i} is the accuracy at round j on the item ids of tasks[i]
// (ids missing from a round are left out of that round's accuracy). In
// cem a task is a set of items first "learnt" at round i:
//
//   - targeted items: tasks[i] = the mistakes round i trained on (so
//     tasks[0] is empty); BWT < 0 means later rounds undo earlier fixes;
//   - previously-right items: tasks[i] = RightIDs(history[i]); then
//     R_{i,i} = 1 and BWT is minus the mean share of them lost by T;
//   - a whole suite learnt before CEM (the general suite): tasks[0] = all
//     its ids and BWT reduces to the gain a_T − a_0.
//
// Negative BWT is forgetting, positive is backward improvement. ok is
// false when T < 1 or no task has items at both rounds.
func BWT(history []Outcomes, tasks [][]string) (float64, bool) {
	T := len(history) - 1
	if T < 1 {
		return 0, false
	}
	var sum float64
	n := 0
	for i := 0; i < T && i < len(tasks); i++ {
		ri, oki := subsetAccuracy(history[i], tasks[i])
		rT, okT := subsetAccuracy(history[T], tasks[i])
		if !oki || !okT {
			continue
		}
		sum += rT - ri
		n++
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// subsetAccuracy is the accuracy of o over the ids present in o.
func subsetAccuracy(o Outcomes, ids []string) (float64, bool) {
	k, n := 0, 0
	for _, id := range ids {
		ok, present := o[id]
		if !present {
			continue
		}
		n++
		if ok {
			k++
		}
	}
	if n == 0 {
		return 0, false
	}
	return float64(k) / float64(n), true
}
