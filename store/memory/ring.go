package memory

// ring is a FIFO over a slice that grows by doubling up to a cap given on each push, so agents
// with few events cost little memory and busy agents never reallocate once at their cap.
type ring[T any] struct {
	buf  []T
	head int // index in buf of the oldest element
	n    int
}

func (r *ring[T]) len() int { return r.n }

// at returns the i-th oldest element (0 is the oldest); i must be in [0, len).
func (r *ring[T]) at(i int) *T {
	j := r.head + i
	if j >= len(r.buf) {
		j -= len(r.buf)
	}
	return &r.buf[j]
}

// push appends v; the caller makes room (popFront) when the ring already holds limit elements.
func (r *ring[T]) push(v T, limit int) {
	if r.n == len(r.buf) {
		r.grow(limit)
	}
	j := r.head + r.n
	if j >= len(r.buf) {
		j -= len(r.buf)
	}
	r.buf[j] = v
	r.n++
}

// pushEvict appends v, first dropping the oldest element when the ring holds limit elements.
func (r *ring[T]) pushEvict(v T, limit int) {
	if r.n >= limit {
		r.popFront()
	}
	r.push(v, limit)
}

func (r *ring[T]) grow(limit int) {
	c := max(8, 2*len(r.buf))
	if c > limit {
		c = limit
	}
	if c <= len(r.buf) {
		panic("memory: ring pushed beyond its limit") // internal invariant, never caller input
	}
	buf := make([]T, c)
	k := copy(buf, r.buf[r.head:])
	copy(buf[k:], r.buf[:r.head])
	r.buf, r.head = buf, 0
}

// popFront removes the oldest element, clearing its slot so it can be collected.
func (r *ring[T]) popFront() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero
	r.head++
	if r.head == len(r.buf) {
		r.head = 0
	}
	r.n--
	return v
}

// search returns the smallest i in [lo, len) for which pred(at(i)) is true, assuming pred is
// false then true along the ring; len when it is never true.
func (r *ring[T]) search(lo int, pred func(*T) bool) int {
	hi := r.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if pred(r.at(m)) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}
