package tokenizer

import "container/heap"

// queue is a binary heap of T ordered by less (least first), shared by the
// encoder's merge queue and the trainer's pair queue.
type queue[T any] struct {
	items []T
	less  func(a, b T) bool
}

func (q *queue[T]) Len() int           { return len(q.items) }
func (q *queue[T]) Less(i, j int) bool { return q.less(q.items[i], q.items[j]) }
func (q *queue[T]) Swap(i, j int)      { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *queue[T]) Push(x any)         { q.items = append(q.items, x.(T)) }
func (q *queue[T]) Pop() any {
	x := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return x
}

// push adds x.
func (q *queue[T]) push(x T) { heap.Push(q, x) }

// pop removes and returns the least item; the queue must not be empty.
func (q *queue[T]) pop() T { return heap.Pop(q).(T) }

// init orders items already appended to q.items.
func (q *queue[T]) init() { heap.Init(q) }
